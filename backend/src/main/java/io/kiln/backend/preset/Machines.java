package io.kiln.backend.preset;

/**
 * What kind of machine a run will train on, for the defaults that depend on it (T17's image size,
 * the head alone on a CPU). Implemented by the agents feature, which knows the fleet; an interface
 * here so that presets need not know agents.
 */
public interface Machines {
  /**
   * Whether the run trains on a GPU: the named agent's devices, or else whether every agent that is
   * up has one (a run goes to the next free agent). False when no agent is up.
   */
  boolean gpu(Long agentId);
}
