package io.kiln.agent.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.EngineException;
import io.kiln.agent.training.DatasetException;
import io.kiln.core.run.FailureClass;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void outOfMemoryOnTheHeapOrInTheEngine() {
    assertEquals(
        FailureClass.OUT_OF_MEMORY, Failures.classify(new OutOfMemoryError("Java heap space")));
    assertEquals(
        FailureClass.OUT_OF_MEMORY,
        Failures.classify(
            new EngineException(
                "[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory:"
                    + " you tried to allocate 51539607552 bytes")));
    assertEquals(
        FailureClass.OUT_OF_MEMORY,
        Failures.classify(
            new RuntimeException(
                "wrapped", new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB"))));
  }

  @Test
  void theDataOrTheRecipeAreNotRetried() {
    assertEquals(
        FailureClass.RECIPE,
        Failures.classify(new DatasetException("cannot decode image 'a/1.jpg'")));
    assertEquals(
        FailureClass.RECIPE,
        Failures.classify(new IllegalArgumentException("the dataset is too small")));
  }

  @Test
  void everythingElseIsTheMachinesFault() {
    assertEquals(
        FailureClass.INFRASTRUCTURE,
        Failures.classify(new IOException("could not upload the model", new ConnectException())));
    assertEquals(FailureClass.INFRASTRUCTURE, Failures.classify(new EngineException("CUDA error")));
  }

  @Test
  void describedInOneLine() {
    assertEquals("first", Failures.describe(new RuntimeException("first\nsecond")));
    assertEquals("IllegalStateException", Failures.describe(new IllegalStateException()));
    assertEquals(
        "FileAlreadyExistsException: /tmp/x",
        Failures.describe(new java.nio.file.FileAlreadyExistsException("/tmp/x")));
  }
}
