package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one correlation task: candidate episodes of every (type, subject), incident grouping and
 * probable causes. Input: signals, change events, declared and learned dependencies (all
 * repartitioned to one partition and merged). Output: {@link IncidentCandidate}s keyed by id, each
 * carrying the episode's full current state (safe to compact).
 *
 * <p>Lifecycle of one (type, subject): the first active signal opens an episode (OPEN, new id).
 * Later signals update it in place; an UPDATED record goes out when the severity rises (at once),
 * when it falls and stays lower for {@code deescalateAfter}, when key evidence moves past its
 * threshold ({@link KeyEvidence}), or when its incident or probable causes change, but never more
 * often than the type's minimum interval (a change inside it waits, and the latest state is sent
 * when the interval has passed). A cleared signal, or no active signal for the type's staleness
 * timeout, starts the hold-off; an active signal within it continues the episode; after it the
 * episode is RESOLVED and its key is free for a new episode. Staleness and hold-off are judged by
 * the event-time clock of the detector task the episode's signals come from ({@link #clockOf}).
 *
 * <p>Incidents are episodes of type INCIDENT: see {@link #group}. Stream-time punctuation every
 * {@code tick} flushes waiting updates and resolves; hourly it expires learned dependencies and
 * old resolved candidates from the query store.
 */
final class Correlator implements Processor<String, CorrelationInput, String, IncidentCandidate> {

  private static final Logger LOG = LoggerFactory.getLogger(Correlator.class);
  private static final long SWEEP_MS = Duration.ofHours(1).toMillis();
  /**
   * A detector task that has sent no clock for this long (wall clock) is taken as gone (stopped,
   * or its partition no longer exists): its episodes are judged by the newest time of any task.
   */
  static final long GONE_AFTER = Duration.ofMinutes(10).toMillis();
  private static final int UPSTREAM_DEPTH = 3;
  private static final int SUMMARY_MEMBERS = 4;
  /** Episode-store key prefix of {@link #ended} episodes (open ones are keyed {@code TYPE|subject}). */
  static final String ENDED = "ended|";

  private final CorrelationSettings settings;
  private final PipelineMetrics metrics;
  private final Names names;
  private ProcessorContext<String, IncidentCandidate> context;
  private KeyValueStore<String, Episode> episodeStore;
  private KeyValueStore<String, CandidateHistory> historyStore;
  private WindowStore<String, ChangeRecord> changeStore;
  private DependencyGraph graph;
  private CauseRanker ranker;
  /** Every open episode (incidents included), by key: a mirror of the episode store. */
  private final Map<String, Episode> episodes = new LinkedHashMap<>();
  /**
   * RESOLVED episodes that belonged to no incident, by id, kept for {@code lateGrouping} of stream
   * time: a related candidate that reaches this task late (another detector task was behind) but
   * overlapped one of them in event time is still grouped with it. Mirrored in the episode store
   * under {@link #ENDED} + id.
   */
  private final Map<String, Episode> ended = new LinkedHashMap<>();
  private long streamTime = Long.MIN_VALUE;
  /**
   * The stream time each detector task has reached, as its clocks tell: an episode is judged by its
   * own task's clock (see {@link SignalSource}). Not the signals' times: a gap detector's signal can
   * be stamped by the wall clock, ahead of its task's stream time while a backlog is replayed. Not
   * stored: after a restart each task's clock is back within {@code tick} of its stream time.
   */
  private final Map<String, TaskClock> clocks = new HashMap<>();
  /** When (wall clock) this correlator started. */
  private long startedWall;
  private long lastSweep = Long.MIN_VALUE;

  /** A detector task's stream time {@code ts}, and when (wall clock) it came. */
  private record TaskClock(long ts, long heardAt) {}

  /** The store names this processor uses. */
  record Names(String episodes, String history, String changes, String declared, String learned) {}

  Correlator(CorrelationSettings settings, PipelineMetrics metrics, Names names) {
    this.settings = settings;
    this.metrics = metrics;
    this.names = names;
  }

  @Override
  public void init(ProcessorContext<String, IncidentCandidate> context) {
    this.context = context;
    this.startedWall = context.currentSystemTimeMs();
    this.episodeStore = context.getStateStore(names.episodes());
    this.historyStore = context.getStateStore(names.history());
    this.changeStore = context.getStateStore(names.changes());
    this.graph = new DependencyGraph(context.getStateStore(names.declared()), context.getStateStore(names.learned()));
    this.ranker = new CauseRanker(this::changes);
    try (KeyValueIterator<String, Episode> it = episodeStore.all()) {
      while (it.hasNext()) {
        KeyValue<String, Episode> kv = it.next();
        if (kv.key.startsWith(ENDED)) {
          ended.put(kv.value.id, kv.value);
        } else {
          episodes.put(kv.key, kv.value);
        }
      }
    }
    context.schedule(settings.tick(), PunctuationType.STREAM_TIME, this::tick);
  }

  @Override
  public void process(Record<String, CorrelationInput> record) {
    streamTime = Math.max(streamTime, record.timestamp());
    CorrelationInput input = record.value();
    if (input instanceof CorrelationInput.Signal s) {
      onSignal(s.signal());
    } else if (input instanceof CorrelationInput.Clock c) {
      onClock(c.source(), c.ts());
    } else if (input instanceof CorrelationInput.Change c) {
      onChange(c.change());
    } else if (input instanceof CorrelationInput.Learned l) {
      graph.learn(l.edge());
    } else if (input instanceof CorrelationInput.Declared d) {
      graph.declare(d.dependencies());
    }
  }

  // ---- signals and the episode lifecycle ----

  private void onSignal(CandidateSignal s) {
    if (s.type() == CandidateType.INCIDENT) {
      LOG.warn("ignored a signal of type INCIDENT on {}: incidents are made by correlation", s.subject());
      return;
    }
    String key = Episode.key(s.type(), s.subject());
    Episode ep = episodes.get(key);
    if (ep != null && endIfOver(ep, s.ts())) {
      ep = null; // stream time jumped past its hold-off before a punctuation could end it
    }
    if (!s.isActive()) {
      if (ep != null && ep.clearedTs < 0) {
        ep.clearedTs = s.ts();
        save(ep);
      }
      return;
    }
    long now = Math.max(s.ts(), ep == null ? s.ts() : ep.lastEmittedTs);
    if (ep == null) {
      ep = Episode.open(uniqueId(Episode.newId(s.type(), s.subject(), s.ts())), s);
      episodes.put(key, ep);
      ep.causes = causesOf(ep);
      group(ep, now);
      emit(ep, CandidateStatus.OPEN, now);
      return;
    }
    long previousOnset = ep.onsetTs;
    ep.apply(s);
    if (Math.abs(ep.onsetTs - previousOnset) > CorrelationSettings.afterOnset(settings.lookback(ep.type)).toMillis()) {
      ep.causes = causesOf(ep);
    }
    if (ep.incidentId == null) {
      group(ep, now);
    } else {
      memberChanged(ep, now);
    }
    consider(ep, now);
  }

  /**
   * A detector task's clock moved: its episodes may be over now (the punctuation that ran for the
   * record which moved the stream time here may have come before this clock).
   */
  private void onClock(String source, long ts) {
    TaskClock before = clocks.get(source);
    if (before != null && before.ts() >= ts) {
      return;
    }
    clocks.put(source, new TaskClock(ts, context.currentSystemTimeMs()));
    for (Episode ep : new ArrayList<>(episodes.values())) {
      if (source.equals(ep.source) && episodes.get(ep.key()) == ep) {
        endIfOver(ep, clockOf(ep, streamTime));
      }
    }
  }

  /**
   * Sends an UPDATED now, later (pending) or not at all: severity up goes at once; anything else
   * material waits for the type's minimum interval since the last record.
   */
  private void consider(Episode ep, long now) {
    if (ep.emittedSeverity == null) {
      return; // not emitted yet: its OPEN is on its way with the current state
    }
    int cmp = ep.severity.compareTo(ep.emittedSeverity);
    if (cmp > 0) {
      ep.lowerSinceTs = -1;
      emit(ep, CandidateStatus.UPDATED, now);
      return;
    }
    if (cmp < 0 && ep.lowerSinceTs < 0) {
      ep.lowerSinceTs = now;
    } else if (cmp == 0) {
      ep.lowerSinceTs = -1;
    }
    boolean material = deescalated(ep, now)
        || KeyEvidence.changed(ep.type, ep.emittedEvidence, ep.emittedEvidenceTs, ep.evidence, ep.lastActiveTs)
        || !Objects.equals(ep.incidentId, ep.emittedIncidentId)
        || !ep.causes.equals(ep.emittedCauses);
    if (material && now - ep.lastEmittedTs >= settings.minUpdate(ep.type).toMillis()) {
      emit(ep, CandidateStatus.UPDATED, now);
    } else {
      ep.pending = material || ep.lowerSinceTs >= 0;
      save(ep);
    }
  }

  private boolean deescalated(Episode ep, long now) {
    return ep.lowerSinceTs >= 0 && now - ep.lowerSinceTs >= settings.deescalateAfter().toMillis();
  }

  private void tick(long timestamp) {
    long now = Math.max(streamTime, timestamp);
    // first end what is over (incidents follow their members), then flush what waited for the rate
    // limit: an incident whose members all end in this tick sends one RESOLVED, not an UPDATED per member
    for (Episode ep : new ArrayList<>(episodes.values())) {
      if (!ep.isIncident() && episodes.get(ep.key()) == ep) {
        endIfOver(ep, clockOf(ep, now));
      }
    }
    for (Episode ep : new ArrayList<>(episodes.values())) {
      if (ep.pending && episodes.get(ep.key()) == ep) {
        long at = ep.isIncident() ? now : clockOf(ep, now);
        if (at != Long.MIN_VALUE) {
          consider(ep, at);
        }
      }
    }
    forgetEnded(now);
    if (lastSweep == Long.MIN_VALUE || now - lastSweep >= SWEEP_MS) {
      lastSweep = now;
      sweep(now);
    }
  }

  /**
   * The event time an episode is judged at: the clock of the detector task its signals come from,
   * so that another task being ahead (catching up on a backlog) does not end it before its own task
   * got there; {@code Long.MIN_VALUE} while that task's clock is not known yet (after a restart,
   * within one {@code tick} of its stream time). The episodes of a task that has sent no clock for
   * {@link #GONE_AFTER} of wall-clock time (stopped: no more data, or its partition gone) are
   * judged at {@code now}, the newest time of any record, so that they still end; so are those
   * from before sources were recorded, and those of an offline run (no task clocks).
   */
  private long clockOf(Episode ep, long now) {
    if (ep.source == null) {
      return now;
    }
    TaskClock clock = clocks.get(ep.source);
    if (context.currentSystemTimeMs() - (clock == null ? startedWall : clock.heardAt()) >= GONE_AFTER) {
      return now;
    }
    return clock == null ? Long.MIN_VALUE : clock.ts();
  }

  /**
   * Starts the hold-off of a stale episode and resolves one whose hold-off has passed by
   * {@code now}, at the event time the hold-off ended; true when it was resolved.
   */
  private boolean endIfOver(Episode ep, long now) {
    if (now == Long.MIN_VALUE) {
      return false; // its task's clock is not known yet
    }
    long stale = settings.stale(ep.type).toMillis();
    if (ep.clearedTs < 0 && stale > 0 && now - ep.lastActiveTs >= stale) {
      ep.clearedTs = ep.lastActiveTs + stale;
      save(ep);
    }
    long end = ep.clearedTs + settings.holdOff().toMillis();
    if (ep.clearedTs >= 0 && now >= end) {
      resolve(ep, end);
      return true;
    }
    return false;
  }

  private void resolve(Episode ep, long now) {
    ep.summary = ep.isIncident() ? ep.summary : "Ended: " + ep.summary;
    emit(ep, CandidateStatus.RESOLVED, now);
    episodes.remove(ep.key());
    episodeStore.delete(ep.key());
    if (!ep.isIncident() && ep.incidentId == null && settings.lateGrouping().toMillis() > 0) {
      ep.endedTs = now;
      ended.put(ep.id, ep);
      episodeStore.put(ENDED + ep.id, ep);
    }
    if (ep.incidentId != null) {
      Episode incident = incidentById(ep.incidentId);
      if (incident != null) {
        Episode.Member m = incident.members.get(ep.id);
        if (m != null) {
          incident.members.put(ep.id, m.resolve());
        }
        refreshIncident(incident);
        if (incident.members.values().stream().allMatch(Episode.Member::resolved)) {
          resolve(incident, now);
        } else {
          incident.pending = true; // sent by the next punctuation, with whatever else ended by then
          save(incident);
        }
      }
    }
  }

  // ---- incidents ----

  /**
   * Puts an open candidate that belongs to no incident into one, if it relates to another open
   * candidate: same subject, or one subject depends on the other (declared or learned). It joins
   * the oldest open incident that has a related member; otherwise, with the related candidates
   * that belong to no incident, it opens a new one. Members stay members until they resolve.
   *
   * <p>"Open" is judged in event time, not by arrival: signals of different detector tasks reach
   * this one task out of event-time order (one task may run tens of minutes of event time ahead of
   * another while a backlog is processed), so a related candidate that already RESOLVED here, but
   * was open at the time this one was active, is grouped too, as a resolved member (within
   * {@code lateGrouping}). Without it, a resource's whole episode can open and end here before its
   * dependants' first signal arrives, and the incident is never seen.
   */
  private void group(Episode ep, long now) {
    if (ep.isIncident() || ep.incidentId != null) {
      return;
    }
    Episode target = null;
    List<Episode> loose = new ArrayList<>();
    for (Episode other : episodes.values()) {
      if (other == ep) {
        continue;
      }
      if (other.isIncident()) {
        if (target == null && relatesToIncident(other, ep)) {
          target = other;
        }
      } else if (other.incidentId == null && stillOpenAt(other, ep.openedTs) && related(other.subject, ep.subject)) {
        loose.add(other);
      }
    }
    for (Episode other : ended.values()) {
      if (other.incidentId == null && overlapped(other, ep) && related(other.subject, ep.subject)) {
        loose.add(other); // it ended before this candidate reached us, though they overlapped
      }
    }
    if (target == null && loose.isEmpty()) {
      groupSiblings(ep, now);
      return;
    }
    List<Episode> joining = new ArrayList<>(loose.size() + 1);
    joining.add(ep);
    joining.addAll(loose);
    if (target == null) {
      openIncident(joining, null, now);
    } else {
      join(target, joining, now);
    }
    considerJoined(loose, now);
  }

  /**
   * Extension beyond the contract's "related": two or more services with error spikes at WARNING or
   * above that opened within {@code siblingWindow} of each other, and that depend directly on the
   * same upstream, are grouped under that upstream although it has no candidate of its own. Of
   * several shared upstreams, the one most of them depend on wins (then the name).
   */
  private void groupSiblings(Episode ep, long now) {
    if (!siblingCandidate(ep, ep.openedTs)) {
      return;
    }
    String best = null;
    List<Episode> bestSiblings = List.of();
    for (String upstream : graph.upstreamOf(ep.subject)) {
      List<Episode> siblings = new ArrayList<>();
      for (Episode other : episodes.values()) {
        if (other != ep && !other.isIncident() && other.incidentId == null && stillOpenAt(other, ep.openedTs)
            && siblingCandidate(other, ep.openedTs) && graph.dependsOn(other.subject, upstream)) {
          siblings.add(other);
        }
      }
      for (Episode other : ended.values()) {
        if (other.incidentId == null && overlapped(other, ep) && siblingCandidate(other, ep.openedTs)
            && graph.dependsOn(other.subject, upstream)) {
          siblings.add(other);
        }
      }
      if (!siblings.isEmpty() && (siblings.size() > bestSiblings.size()
          || siblings.size() == bestSiblings.size() && upstream.compareTo(best) < 0)) {
        best = upstream;
        bestSiblings = siblings;
      }
    }
    if (best == null) {
      return;
    }
    List<Episode> joining = new ArrayList<>(bestSiblings.size() + 1);
    joining.add(ep);
    joining.addAll(bestSiblings);
    openIncident(joining, best, now);
    considerJoined(bestSiblings, now);
  }

  /** A service's error spike at WARNING or above that opened within the sibling window of {@code ts}. */
  private boolean siblingCandidate(Episode ep, long ts) {
    long window = settings.siblingWindow().toMillis();
    return window > 0 && ep.type == CandidateType.ERROR_RATE_SPIKE && ep.severity != null
        && ep.severity.compareTo(Severity.WARNING) >= 0 && Math.abs(ep.openedTs - ts) <= window;
  }

  /**
   * Whether an open episode was still open (its hold-off included) at event time {@code ts}: one
   * whose hold-off has passed, but that no punctuation has ended yet, does not take in a candidate
   * that opened after it.
   */
  private boolean stillOpenAt(Episode open, long ts) {
    return open.clearedTs < 0 || ts <= open.clearedTs + settings.holdOff().toMillis();
  }

  /** Whether the ended episode was open (its hold-off included) at some time {@code ep} was active. */
  private static boolean overlapped(Episode endedEp, Episode ep) {
    return ep.openedTs <= endedEp.endedTs && endedEp.openedTs <= ep.lastActiveTs;
  }

  /** Members that joined alongside the signalling episode send their new {@code related}, if still open. */
  private void considerJoined(List<Episode> joined, long now) {
    for (Episode other : joined) {
      if (ended.containsKey(other.id)) {
        episodeStore.put(ENDED + other.id, other); // it now belongs to an incident: never grouped again
      } else {
        consider(other, now);
      }
    }
  }

  /** Forgets ended episodes that are more than {@code lateGrouping} behind stream time. */
  private void forgetEnded(long now) {
    long cutoff = now - settings.lateGrouping().toMillis();
    for (Iterator<Episode> it = ended.values().iterator(); it.hasNext(); ) {
      Episode e = it.next();
      if (e.endedTs < cutoff) {
        it.remove();
        episodeStore.delete(ENDED + e.id);
      }
    }
  }

  /**
   * Whether {@code ep} belongs in the incident: related to one of its members, or to its subject.
   * When the subject has no candidate of its own (siblings grouped under a shared upstream), a
   * candidate related only to the subject must itself be a sibling that opened within the sibling
   * window of the incident; otherwise everything that uses a busy database would pile in.
   */
  private boolean relatesToIncident(Episode incident, Episode ep) {
    for (Episode.Member m : incident.members.values()) {
      if (related(m.subject(), ep.subject)) {
        return true;
      }
    }
    if (!related(incident.subject, ep.subject)) {
      return false;
    }
    boolean siblingIncident = incident.members.values().stream().noneMatch(m -> m.subject().equals(incident.subject));
    return !siblingIncident || ep.subject.equals(incident.subject) || siblingCandidate(ep, incident.openedTs);
  }

  private Episode.Member memberOf(Episode ep) {
    return ended.containsKey(ep.id) ? ep.asMember().resolve() : ep.asMember();
  }

  private boolean related(String a, String b) {
    return a.equals(b) || graph.adjacent(a, b);
  }

  /** @param subject the incident's subject, or null for the most upstream of the members */
  private Episode openIncident(List<Episode> joining, String subject, long now) {
    String upstream = subject != null ? subject : mostUpstream(joining.stream().map(Episode::asMember).toList(), null);
    Episode existing = episodes.get(Episode.key(CandidateType.INCIDENT, upstream));
    if (existing != null) {
      join(existing, joining, now);
      return existing;
    }
    Episode incident = new Episode();
    incident.type = CandidateType.INCIDENT;
    incident.members = new LinkedHashMap<>();
    incident.openedTs = now;
    for (Episode m : joining) {
      incident.members.put(m.id, memberOf(m));
    }
    incident.subject = upstream;
    incident.id = uniqueId(Episode.newId(CandidateType.INCIDENT, incident.subject, now));
    incident.lastActiveTs = now;
    refreshIncident(incident);
    incident.causes = causesOf(incident);
    episodes.put(incident.key(), incident);
    for (Episode m : joining) {
      m.incidentId = incident.id;
    }
    emit(incident, CandidateStatus.OPEN, now);
    return incident;
  }

  private void join(Episode incident, List<Episode> joining, long now) {
    for (Episode m : joining) {
      incident.members.put(m.id, memberOf(m));
      m.incidentId = incident.id;
    }
    String upstream = mostUpstream(incident.members.values(), incident.subject);
    if (!upstream.equals(incident.subject) && !episodes.containsKey(Episode.key(CandidateType.INCIDENT, upstream))) {
      supersede(incident, now);
      return;
    }
    refreshIncident(incident);
    incident.causes = causesOf(incident);
    consider(incident, now);
  }

  /**
   * A more upstream subject joined: the incident's subject is part of its identity (one episode of
   * one (type, subject)), so the old incident is RESOLVED, naming its successor in {@code related},
   * and a new one opens with the same members.
   */
  private void supersede(Episode old, long now) {
    List<Episode> live = new ArrayList<>();
    for (String memberId : old.members.keySet()) {
      Episode.Member m = old.members.get(memberId);
      Episode member = episodes.get(m.key());
      if (member != null && memberId.equals(member.id)) {
        live.add(member);
      } else if (ended.containsKey(memberId)) {
        live.add(ended.get(memberId)); // grouped after it ended: stays a (resolved) member
      }
    }
    old.members.replaceAll((id, m) -> m.resolve());
    refreshIncident(old);
    Episode next = openIncident(live, null, now);
    old.supersededBy = next.id;
    old.summary = old.subject + ": superseded by " + next.id + " (a more upstream subject joined).";
    emit(old, CandidateStatus.RESOLVED, now);
    episodes.remove(old.key());
    episodeStore.delete(old.key());
    considerJoined(live, now);
  }

  /** A member's severity or window changed: the incident follows. */
  private void memberChanged(Episode ep, long now) {
    Episode incident = incidentById(ep.incidentId);
    if (incident == null) {
      return;
    }
    incident.members.put(ep.id, ep.asMember());
    refreshIncident(incident);
    consider(incident, now);
  }

  private Episode incidentById(String id) {
    for (Episode e : episodes.values()) {
      if (e.isIncident() && e.id.equals(id)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The member subject that the most other member subjects depend on (within three edges); ties
   * keep the current subject, then prefer a resource or target (connection and memory types), then
   * the earliest onset, then the name.
   */
  private String mostUpstream(java.util.Collection<Episode.Member> members, String current) {
    Map<String, Long> onset = new HashMap<>();
    Set<String> resources = new HashSet<>();
    for (Episode.Member m : members) {
      onset.merge(m.subject(), m.onsetTs(), Math::min);
      if (m.type() != CandidateType.ERROR_RATE_SPIKE && m.type() != CandidateType.TELEMETRY_GAP) {
        resources.add(m.subject());
      }
    }
    if (current != null) {
      onset.putIfAbsent(current, Long.MAX_VALUE); // a shared upstream without a candidate of its own
    }
    Map<String, Integer> score = new HashMap<>();
    for (String s : onset.keySet()) {
      int n = 0;
      for (String t : onset.keySet()) {
        if (graph.reaches(t, s, UPSTREAM_DEPTH)) {
          n++;
        }
      }
      score.put(s, n);
    }
    int best = score.values().stream().max(Integer::compare).orElse(0);
    if (current != null && score.getOrDefault(current, -1) == best) {
      return current;
    }
    return onset.keySet().stream()
        .filter(s -> score.get(s) == best)
        .min(Comparator.<String>comparingInt(s -> resources.contains(s) ? 0 : 1)
            .thenComparingLong(onset::get)
            .thenComparing(Comparator.naturalOrder()))
        .orElseThrow();
  }

  /** Severity, evidence, window and summary of an incident, from its members. */
  private void refreshIncident(Episode incident) {
    Severity active = null;
    Severity any = null;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    long onset = Long.MAX_VALUE;
    int open = 0;
    for (Episode.Member m : incident.members.values()) {
      any = max(any, m.severity());
      if (!m.resolved()) {
        active = max(active, m.severity());
        open++;
      }
      start = Math.min(start, m.windowStart());
      end = Math.max(end, m.windowEnd());
      onset = Math.min(onset, m.onsetTs());
    }
    incident.severity = active != null ? active : any;
    incident.windowStart = start;
    incident.windowEnd = end;
    incident.onsetTs = onset;
    incident.evidence = new HashMap<>();
    incident.evidence.put("members", (double) incident.members.size());
    incident.evidence.put("activeMembers", (double) open);
    String listed = incident.members.values().stream().limit(SUMMARY_MEMBERS)
        .map(m -> m.type() + " on " + m.subject()).collect(Collectors.joining(", "));
    if (incident.members.size() > SUMMARY_MEMBERS) {
      listed += ", ...";
    }
    incident.summary = incident.subject + ": " + incident.members.size() + " related candidates overlap ("
        + listed + ")" + (open == 0 ? "; all have ended." : ".");
  }

  private static Severity max(Severity a, Severity b) {
    return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
  }

  // ---- probable causes ----

  private void onChange(ChangeRecord change) {
    changeStore.put(change.target(), change, change.ts());
    Set<String> near = graph.neighbours(change.target());
    near.add(change.target());
    long now = streamTime;
    for (Episode ep : new ArrayList<>(episodes.values())) {
      if (episodes.get(ep.key()) != ep) {
        continue;
      }
      Set<String> subjects = subjectsOf(ep);
      subjects.retainAll(near);
      if (!subjects.isEmpty()) {
        List<String> causes = causesOf(ep);
        if (!causes.equals(ep.causes)) {
          ep.causes = causes;
          consider(ep, Math.max(now, ep.lastEmittedTs));
        }
      }
    }
  }

  private Set<String> subjectsOf(Episode ep) {
    Set<String> subjects = new LinkedHashSet<>();
    subjects.add(ep.subject);
    if (ep.isIncident()) {
      ep.members.values().forEach(m -> subjects.add(m.subject()));
    }
    return subjects;
  }

  private List<String> causesOf(Episode ep) {
    Set<String> direct = subjectsOf(ep);
    Set<String> indirect = new HashSet<>();
    for (String s : direct) {
      indirect.addAll(graph.neighbours(s));
    }
    indirect.removeAll(direct);
    List<CauseRanker.Onset> onsets = new ArrayList<>();
    if (ep.isIncident()) {
      ep.members.values().forEach(m -> onsets.add(new CauseRanker.Onset(m.onsetTs(), settings.lookback(m.type()))));
    } else {
      onsets.add(new CauseRanker.Onset(ep.onsetTs, settings.lookback(ep.type)));
    }
    return ranker.rank(direct, indirect, onsets, settings.maxCauses());
  }

  private List<ChangeRecord> changes(String target, long from, long to) {
    List<ChangeRecord> found = new ArrayList<>();
    try (WindowStoreIterator<ChangeRecord> it = changeStore.fetch(target, Math.max(0, from), to)) {
      while (it.hasNext()) {
        found.add(it.next().value);
      }
    }
    return found;
  }

  // ---- output, query store, expiry ----

  private void emit(Episode ep, CandidateStatus status, long now) {
    long ts = Math.max(now, ep.lastEmittedTs);
    boolean lower = ep.emittedSeverity != null && ep.severity.compareTo(ep.emittedSeverity) < 0;
    Severity severity = lower && !deescalated(ep, ts) && status != CandidateStatus.RESOLVED
        ? ep.emittedSeverity : ep.severity;
    List<String> related;
    if (ep.isIncident()) {
      related = new ArrayList<>(ep.members.keySet());
      if (ep.supersededBy != null) {
        related.add(ep.supersededBy);
      }
    } else {
      related = ep.incidentId == null ? List.of() : List.of(ep.incidentId);
    }
    IncidentCandidate candidate = IncidentCandidate.newBuilder()
        .setId(ep.id)
        .setType(ep.type)
        .setSeverity(severity)
        .setStatus(status)
        .setSubject(ep.subject)
        .setTs(ts)
        .setWindowStart(ep.windowStart)
        .setWindowEnd(ep.windowEnd)
        .setSummary(ep.isIncident() && ep.supersededBy == null && !ep.causes.isEmpty()
            ? ep.summary + " Probable cause: " + ep.causes.get(0)
            : ep.summary)
        .setEvidence(new HashMap<>(ep.evidence))
        .setRelated(related)
        .setProbableCauses(new ArrayList<>(ep.causes))
        .build();
    ep.lastEmittedTs = ts;
    ep.emittedSeverity = severity;
    if (severity == ep.severity) {
      ep.lowerSinceTs = -1;
    }
    ep.emittedEvidence = Map.copyOf(ep.evidence);
    ep.emittedEvidenceTs = ep.lastActiveTs;
    ep.emittedIncidentId = ep.incidentId;
    ep.emittedCauses = List.copyOf(ep.causes);
    ep.pending = false;
    ep.records++;
    if (status != CandidateStatus.RESOLVED) {
      save(ep);
    }
    CandidateHistory previous = historyStore.get(ep.id);
    CandidateRecord current = CandidateRecord.of(candidate);
    historyStore.put(ep.id, previous == null
        ? new CandidateHistory(current, List.of(current))
        : previous.append(current, settings.historySize()));
    metrics.candidate(ep.type.name(), severity.name(), status.name());
    context.forward(new Record<>(ep.id, candidate, ts));
  }

  private void save(Episode ep) {
    episodeStore.put(ep.key(), ep);
  }

  /** A fresh id; only if an episode of the same key opened in the same millisecond does it get a suffix. */
  private String uniqueId(String id) {
    String candidate = id;
    for (int n = 2; historyStore.get(candidate) != null; n++) {
      candidate = id + "~" + n;
    }
    return candidate;
  }

  private void sweep(long now) {
    int edges = graph.expireLearned(now - settings.edgeTtl().toMillis());
    long cutoff = now - settings.historyRetention().toMillis();
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, CandidateHistory> it = historyStore.all()) {
      while (it.hasNext()) {
        KeyValue<String, CandidateHistory> kv = it.next();
        CandidateRecord c = kv.value.current();
        if (!c.isOpen() && c.ts() < cutoff) {
          old.add(kv.key);
        }
      }
    }
    old.forEach(historyStore::delete);
    if (edges > 0 || !old.isEmpty()) {
      LOG.debug("expired {} learned dependencies and {} resolved candidates at stream time {}", edges, old.size(), now);
    }
  }
}
