package io.kiln.backend.preset;

import io.kiln.backend.auth.Caller;
import io.kiln.core.preset.StartingPoints;
import java.util.List;

/**
 * The finished runs a caller may start from (T13), newest first, as starting-point candidates.
 * Implemented by the runs feature; an interface here because runs are launched from presets, not
 * the other way round.
 */
public interface StartingRuns {
  List<StartingPoints.Candidate> finished(Caller caller);
}
