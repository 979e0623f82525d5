package io.kiln.backend.run;

/** The next unused sequence number of a run's stored events (the metrics feature keeps them). */
public interface RunSequence {
  long nextSeq(long runId);
}
