package dev.foreshock.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.backtest.Backtest;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.simulate.Scenarios;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's regression test of detection quality: every scenario, over the seeds of the committed
 * baseline ({@code quality-baseline.json}), through the real topology; fails if any scenario meets
 * fewer expectations or raises more false alarms than the baseline allows. After an improvement,
 * regenerate the baseline: {@code ./foreshock evaluate --seeds 1 --write-baseline
 * topology/src/test/resources/quality-baseline.json}.
 */
class QualityRegressionTest {

  @TempDir Path scratch;

  @Test
  void shouldMeetCommittedQualityBaselineOnEveryScenario() throws IOException {
    QualityBaseline baseline;
    try (InputStream in = QualityRegressionTest.class.getResourceAsStream("/quality-baseline.json")) {
      assertThat(in).as("quality-baseline.json on the test classpath").isNotNull();
      baseline = QualityBaseline.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "quality-baseline.json");
    }
    assertThat(baseline.scenarios().keySet()).as("the baseline covers every scenario")
        .containsExactlyInAnyOrderElementsOf(Scenarios.names());

    Evaluation.Result result = Evaluation.run(List.of(), baseline.seeds(), ForeshockSettings.defaults(), Backtest.DEFAULT_SHARDS, scratch,
        run -> { });

    assertThat(result.runs()).allSatisfy(run -> assertThat(run.deadLetters()).as("dead letters of %s #%d",
        run.scenario(), run.seed()).isZero());
    assertThat(baseline.regressions(result)).as(EvaluationReport.text(result)).isEmpty();
  }
}
