package dev.foreshock.correlate;

import dev.foreshock.detect.CandidateSignal;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The last step of the detector tasks before the one correlation task: marks each signal with the
 * task it comes from and, every {@code every} of the task's stream time, sends the task's clock
 * ({@link CandidateSignal#clock}).
 *
 * <p>The detector tasks reach the correlator through one partition, in the order they wrote, not in
 * event time: a task catching up on a backlog can be hours of event time ahead of another. The
 * correlator therefore judges staleness and hold-offs of an episode by the clock of the task its
 * signals come from, never by the newest time any task has reached (which would end an episode
 * whose task simply had not got that far yet, and open a second one when its next signal came).
 */
final class SignalSource implements Processor<String, CandidateSignal, String, CandidateSignal> {

  private final Duration every;
  private ProcessorContext<String, CandidateSignal> context;
  private String source;

  SignalSource(Duration every) {
    this.every = every;
  }

  @Override
  public void init(ProcessorContext<String, CandidateSignal> context) {
    this.context = context;
    this.source = context.taskId().toString();
    context.schedule(every, PunctuationType.STREAM_TIME,
        ts -> context.forward(new Record<>(source, CandidateSignal.clock(source, ts), ts)));
  }

  @Override
  public void process(Record<String, CandidateSignal> record) {
    context.forward(record.withValue(record.value().from(source)));
  }
}
