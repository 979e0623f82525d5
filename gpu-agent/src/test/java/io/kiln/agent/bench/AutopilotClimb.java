package io.kiln.agent.bench;

import io.kiln.agent.bench.AdviceEfficacy.Scenario;
import io.kiln.agent.bench.AdviceEfficacy.Trained;
import io.kiln.agent.training.Devices;
import io.kiln.agent.training.LabelledImages;
import io.kiln.core.advisor.Advisor;
import io.kiln.core.advisor.Climb;
import io.kiln.core.advisor.RunContext;
import io.kiln.core.advisor.Suggestion;
import io.kiln.core.advisor.Thresholds;
import io.kiln.core.advisor.Tried;
import io.kiln.core.preset.BuiltInPresets;
import io.kiln.core.preset.Preset;
import io.kiln.core.recipe.Recipe;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Does the autopilot climb? From the flawed recipes of {@link AdviceEfficacy} whose runs score
 * worst, the autopilot takes up to 4 follow-up runs as the backend's does ({@link Climb}: build on
 * a run that beat its parent, step back to the parent's next suggestion after one that did not, the
 * advice read with the family's lineage), choosing by validation accuracy only. Its best run is
 * scored on the held-out test images against every built-in preset trained on the same images with
 * the same network and epochs (the preset's tricks, not its architecture: the network is the
 * person's choice). Prints each chain and {@code RESULT name=autopilot-climb kiln=<scenarios
 * reaching 95 % of the best preset> reference=<scenarios>}.
 *
 * <p>Usage: AutopilotClimb [scenario ...] (default: the 4 whose first run scores lowest).
 */
public final class AutopilotClimb {
  static final int STEPS = 4;
  static final int WORST = 4;
  static final double TARGET = 0.95;

  /** One run of a chain: its recipe, what it scored, and the rules already applied from it. */
  private record Node(Recipe recipe, Trained trained, Set<String> applied) {}

  private AutopilotClimb() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    LabelledImages pool = FashionMnist.load("train", 6000);
    LabelledImages test = FashionMnist.load("t10k", AdviceEfficacy.TEST_IMAGES);
    Map<String, Node> starts = new HashMap<>();
    List<Scenario> chosen = new ArrayList<>();
    for (Scenario s : AdviceEfficacy.SCENARIOS) {
      if (args.length == 0 || List.of(args).contains(s.name())) {
        Recipe r = Recipe.defaults().with(AdviceEfficacy.seeded(s.recipe(), 1));
        starts.put(s.name(), new Node(r, AdviceEfficacy.train(s, r, pool, test), new HashSet<>()));
        chosen.add(s);
      }
    }
    if (args.length == 0) {
      chosen.sort(Comparator.comparingDouble(s -> starts.get(s.name()).trained().testAccuracy()));
      chosen = chosen.subList(0, WORST);
    }
    List<String> rows = new ArrayList<>();
    int reached = 0;
    for (Scenario s : chosen) {
      StringBuilder chain = new StringBuilder();
      Node best = climb(s, starts.get(s.name()), pool, test, chain);
      String bestPreset = null;
      double presetAccuracy = 0;
      for (Preset p : BuiltInPresets.ALL) {
        Recipe r = presetRecipe(p, best.recipe().epochs());
        double accuracy = AdviceEfficacy.train(s, r, pool, test).testAccuracy();
        if (accuracy > presetAccuracy) {
          presetAccuracy = accuracy;
          bestPreset = p.id();
        }
      }
      double share = best.trained().testAccuracy() / presetAccuracy;
      reached += share >= TARGET ? 1 : 0;
      rows.add(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %s | %.4f | %s %.4f | %.3f%s |",
              s.name(),
              starts.get(s.name()).trained().testAccuracy(),
              chain,
              best.trained().testAccuracy(),
              bestPreset,
              presetAccuracy,
              share,
              share >= TARGET ? " ✓" : ""));
    }
    BenchReport.table(
        List.of(
            "scenario",
            "start test acc",
            "autopilot steps (rule: change, val gain, kept?)",
            "best run test acc",
            "best preset (same network, images, epochs)",
            "share"),
        rows);
    BenchReport.result(
        "autopilot-climb", reached, chosen.size(), "scenarios-at-95pct-of-best-preset");
  }

  /** Up to {@link #STEPS} follow-up runs as the backend's autopilot takes them; the best run. */
  static Node climb(
      Scenario s, Node start, LabelledImages pool, LabelledImages test, StringBuilder chain)
      throws Exception {
    Advisor advisor = new Advisor(Thresholds.defaults());
    List<Tried> tried = new ArrayList<>();
    Node at = start;
    for (int step = 1; step <= STEPS; step++) {
      Node from = at;
      List<Suggestion> open =
          advisor
              .evaluate(
                  from.trained().history(),
                  new RunContext(
                      from.recipe(),
                      Recipe.defaults(),
                      s.trainImages(),
                      AdviceEfficacy.VALIDATION_IMAGES,
                      10,
                      tried))
              .stream()
              .filter(x -> !from.applied().contains(x.ruleId()))
              .toList();
      if (open.isEmpty()) {
        chain.append(step == 1 ? "no advice" : "nothing left to try");
        break;
      }
      Suggestion next = open.get(0);
      from.applied().add(next.ruleId());
      Recipe recipe = from.recipe().with(next.patch());
      Node child = new Node(recipe, AdviceEfficacy.train(s, recipe, pool, test), new HashSet<>());
      double gain = child.trained().bestValAccuracy() - from.trained().bestValAccuracy();
      tried.add(Tried.between(step, from.recipe(), recipe, gain));
      boolean kept =
          Climb.next(
                  child.trained().bestValAccuracy(),
                  from.trained().bestValAccuracy(),
                  false,
                  STEPS - step,
                  true,
                  true)
              .improved();
      chain.append(
          String.format(
              Locale.ROOT,
              "%d. %s: %s, %+.1f %s; ",
              step,
              next.ruleId(),
              next.patch(),
              gain * 100,
              kept ? "kept" : "dropped"));
      if (kept) {
        at = child;
      }
    }
    return at;
  }

  /** A preset's tricks on the scenario's network, input size and epochs, seed 1. */
  static Recipe presetRecipe(Preset p, int epochs) {
    Map<String, Object> fields = new HashMap<>(p.fields());
    for (String own :
        List.of(
            "architecture",
            "initialWeights",
            "backboneId",
            "headOnlyEpochs",
            "headLearningRate",
            "storedFeatures",
            "inputSize",
            "epochs")) {
      fields.remove(own);
    }
    fields.putAll(AdviceEfficacy.seeded(Map.of("epochs", epochs), 1));
    return Recipe.defaults().with(fields);
  }
}
