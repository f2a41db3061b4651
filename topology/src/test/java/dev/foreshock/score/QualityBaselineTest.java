package dev.foreshock.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.score.Scorecard.ExpectationResult;
import dev.foreshock.score.Scorecard.FalseAlarm;
import dev.foreshock.score.Scorecard.FileScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityBaselineTest {

  private static final Labels.Expectation SPIKE = new Labels.Expectation(CandidateType.ERROR_RATE_SPIKE, "core-api",
      0, 120_000, Severity.WARNING, null, null);

  @Test
  void shouldPassWhenResultEqualsBaselineItWasMadeFrom() {
    Evaluation.Result result = result(run("pool-stall", 1, 2, 3, 0), run("pool-stall", 2, 3, 3, 1),
        run("quiet-baseline", 1, 0, 0, 0), run("quiet-baseline", 2, 0, 0, 0));

    QualityBaseline baseline = QualityBaseline.of(result);

    assertThat(baseline.scenarios().keySet()).containsExactly("pool-stall", "quiet-baseline");
    assertThat(baseline.scenarios()).isEqualTo(Map.of(
        "pool-stall", new QualityBaseline.Entry(6, 5, 1), "quiet-baseline", new QualityBaseline.Entry(0, 0, 0)));
    assertThat(baseline.regressions(result)).isEmpty();
    assertThat(QualityBaseline.parse(baseline.toJson(), "b.json")).isEqualTo(baseline);
  }

  @Test
  void shouldReportFewerExpectationsMet() {
    QualityBaseline baseline = QualityBaseline.of(result(run("pool-stall", 1, 2, 3, 0), run("pool-stall", 2, 3, 3, 0)));

    List<String> problems = baseline.regressions(result(run("pool-stall", 1, 2, 3, 0), run("pool-stall", 2, 2, 3, 0)));

    assertThat(problems).containsExactly("pool-stall: 4 of 6 expectations met, the baseline requires 5");
  }

  @Test
  void shouldReportMoreFalseAlarms() {
    QualityBaseline baseline = QualityBaseline.of(result(run("gc-sawtooth", 1, 0, 0, 1), run("gc-sawtooth", 2, 0, 0, 0)));

    List<String> problems = baseline.regressions(result(run("gc-sawtooth", 1, 0, 0, 1), run("gc-sawtooth", 2, 0, 0, 1)));

    assertThat(problems).containsExactly("gc-sawtooth: 2 false alarms, the baseline allows 1");
  }

  @Test
  void shouldAcceptImprovement() {
    QualityBaseline baseline = QualityBaseline.of(result(run("rapid-rise", 1, 1, 6, 3), run("rapid-rise", 2, 0, 6, 2)));

    assertThat(baseline.regressions(result(run("rapid-rise", 1, 6, 6, 0), run("rapid-rise", 2, 5, 6, 0)))).isEmpty();
  }

  @Test
  void shouldReportScenarioMissingFromEitherSideAndOtherSeeds() {
    QualityBaseline baseline = new QualityBaseline(List.of(1L, 2L), Map.of("slow-leak", new QualityBaseline.Entry(5, 0, 0)));

    List<String> problems = baseline.regressions(result(run("daily-rhythm", 1, 0, 0, 0)));

    assertThat(problems).containsExactly(
        "the evaluation ran seeds [1] but the baseline is for seeds [1, 2]",
        "slow-leak: in the baseline but not evaluated",
        "daily-rhythm: evaluated but not in the baseline (regenerate it)");
  }

  private static Evaluation.Result result(Evaluation.Run... runs) {
    List<String> scenarios = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    for (Evaluation.Run r : runs) {
      if (!scenarios.contains(r.scenario())) {
        scenarios.add(r.scenario());
      }
      if (!seeds.contains(r.seed())) {
        seeds.add(r.seed());
      }
    }
    return new Evaluation.Result(scenarios, seeds, List.of(runs));
  }

  private static Evaluation.Run run(String scenario, long seed, int met, int expectations, int falseAlarms) {
    List<ExpectationResult> results = new ArrayList<>();
    for (int i = 0; i < expectations; i++) {
      results.add(i < met ? new ExpectationResult(SPIKE, true, "c" + i, 1_000L, Severity.WARNING, 1_000L, null, null)
          : new ExpectationResult(SPIKE, false, null, null, null, null, null, "no candidate"));
    }
    List<FalseAlarm> alarms = new ArrayList<>();
    for (int i = 0; i < falseAlarms; i++) {
      alarms.add(new FalseAlarm("f" + i, CandidateType.CONNECTION_BURST, "postgres-main", Severity.WARNING, 5, ""));
    }
    return new Evaluation.Run(scenario, seed, new FileScore(scenario + "#" + seed, results, alarms), 100, falseAlarms,
        0, 10);
  }
}
