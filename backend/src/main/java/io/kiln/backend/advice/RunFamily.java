package io.kiln.backend.advice;

import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunMapper;
import io.kiln.core.advisor.Tried;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A run's relatives as the advisor and the autopilot read them. */
@ApplicationScoped
class RunFamily {
  /** Ancestors read at most: a line of follow-up runs longer than this is not read further up. */
  static final int MAX_DEPTH = 50;

  private final RunMapper runs;

  RunFamily(RunMapper runs) {
    this.runs = runs;
  }

  /**
   * What the run's line already tried: every finished child of the run and of each of its
   * ancestors, as the change from its parent and its gain in best validation accuracy (siblings
   * included: a change tried from the same parent in vain counts).
   */
  List<Tried> tried(Run run) {
    List<Tried> out = new ArrayList<>();
    Run node = run;
    for (int depth = 0; node != null && depth < MAX_DEPTH; depth++) {
      if (judged(node)) {
        Recipe recipe = null;
        for (Run child : Run.<Run>list("parentId", node.id)) {
          if (judged(child)) {
            recipe = recipe == null ? runs.recipe(node) : recipe;
            out.add(
                Tried.between(
                    child.id,
                    recipe,
                    runs.recipe(child),
                    child.bestValAccuracy - node.bestValAccuracy));
          }
        }
      }
      node = node.parentId == null ? null : Run.findById(node.parentId);
    }
    return out;
  }

  /** The run that started the autopilot series {@code run} belongs to. */
  Run seriesStart(Run run) {
    Run node = run;
    for (int depth = 0;
        node.autopilotChild && node.parentId != null && depth < MAX_DEPTH;
        depth++) {
      Run parent = Run.findById(node.parentId);
      if (parent == null) {
        break;
      }
      node = parent;
    }
    return node;
  }

  /** The runs the autopilot started from {@code start}, directly or not, in the order started. */
  List<Run> series(Run start) {
    List<Run> out = new ArrayList<>();
    Deque<Long> todo = new ArrayDeque<>(List.of(start.id));
    while (!todo.isEmpty() && out.size() < MAX_DEPTH) {
      for (Run child : Run.<Run>list("parentId = ?1 and autopilotChild = true", todo.pop())) {
        out.add(child);
        todo.add(child.id);
      }
    }
    out.sort((a, b) -> Long.compare(a.id, b.id));
    return out;
  }

  static boolean judged(Run run) {
    return run.state == RunState.SUCCEEDED && run.bestValAccuracy != null;
  }
}
