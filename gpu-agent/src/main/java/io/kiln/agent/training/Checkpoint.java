package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.agent.training.optim.KilnOptimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The per-epoch checkpoint of a run: parameters, optimizer state, and {@link Progress} (schedule
 * position, plateau and best-so-far state). The data order and augmentation need no saved RNG: they
 * derive from (seed, epoch, batch). Written to a fresh directory and renamed into place, so a crash
 * mid-write leaves the previous checkpoint intact. The best epoch's parameters are kept beside it
 * for "keep the best epoch" (T15).
 */
final class Checkpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CURRENT = "latest";
  private static final String PREVIOUS = "previous";

  private final Path dir;
  private final Map<String, Object> identity;
  private final Supplier<Block> freshNet;

  /**
   * @param identity what must match for a checkpoint to be resumed (recipe, classes, image count)
   * @param freshNet builds an uninitialized network of the same architecture
   */
  Checkpoint(Path dir, Map<String, Object> identity, Supplier<Block> freshNet) {
    this.dir = dir;
    this.identity = identity;
    this.freshNet = freshNet;
  }

  Path dir() {
    return dir;
  }

  void save(Block block, KilnOptimizer optimizer, Progress progress) throws IOException {
    Path fresh = Files.createDirectories(dir).resolve("writing");
    deleteTree(fresh);
    Files.createDirectories(fresh);
    writeParameters(block, fresh.resolve("model.params"));
    try (DataOutputStream out =
        new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(fresh.resolve("optimizer.bin"))))) {
      optimizer.save(out, names(block, true));
    }
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("identity", identity);
    state.put("progress", progress);
    JSON.writeValue(fresh.resolve("state.json").toFile(), state);
    Path current = dir.resolve(CURRENT);
    Path previous = dir.resolve(PREVIOUS);
    deleteTree(previous);
    if (Files.exists(current)) {
      Files.move(current, previous, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(fresh, current, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(previous);
  }

  void saveBest(Block block) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve("best.params.writing");
    writeParameters(block, tmp);
    Files.move(
        tmp,
        dir.resolve("best.params"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  boolean loadBest(Block block, NDManager manager) throws IOException {
    Path best = dir.resolve("best.params");
    if (!Files.exists(best)) {
      return false;
    }
    readParameters(block, freshNet, manager, best);
    return true;
  }

  /** Restores the newest matching checkpoint into the block and optimizer, or returns empty. */
  Optional<Progress> resume(Block block, KilnOptimizer optimizer, NDManager manager, Device device)
      throws IOException {
    for (String name : new String[] {CURRENT, PREVIOUS}) {
      Path candidate = dir.resolve(name);
      if (!Files.exists(candidate.resolve("state.json"))) {
        continue;
      }
      Map<?, ?> state = JSON.readValue(candidate.resolve("state.json").toFile(), Map.class);
      // Compared as parsed text, so numbers read back from the file compare equal to the live
      // values.
      if (!JSON.readTree(JSON.writeValueAsString(identity))
          .equals(JSON.readTree(JSON.writeValueAsString(state.get("identity"))))) {
        return Optional.empty();
      }
      readParameters(block, freshNet, manager, candidate.resolve("model.params"));
      try (DataInputStream in =
          new DataInputStream(
              new BufferedInputStream(Files.newInputStream(candidate.resolve("optimizer.bin"))))) {
        optimizer.load(in, manager, device, names(block, false));
      }
      return Optional.of(JSON.convertValue(state.get("progress"), Progress.class));
    }
    return Optional.empty();
  }

  /** Parameter id to structural name (or the reverse): ids are random per network instance. */
  private static Map<String, String> names(Block block, boolean idToName) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Pair<String, Parameter> pair : block.getParameters()) {
      if (idToName) {
        map.put(pair.getValue().getId(), pair.getKey());
      } else {
        map.put(pair.getKey(), pair.getValue().getId());
      }
    }
    return map;
  }

  static void writeParameters(Block block, Path file) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      block.saveParameters(out);
    }
  }

  /** Loads saved parameters into an uninitialized block (to inspect or use a saved model). */
  static void readParametersInto(Block block, NDManager manager, Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      block.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException(
          "unreadable parameters in " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads saved parameters into a fresh copy of the block, then copies every value into the live
   * block's existing arrays: a trainer caches the arrays it was created with, so replacing them
   * would leave it training stale ones.
   */
  static void readParameters(Block live, Supplier<Block> fresh, NDManager manager, Path file)
      throws IOException {
    try (NDManager scope = manager.newSubManager();
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      Block loaded = fresh.get();
      loaded.loadParameters(scope, in);
      ParameterList target = live.getParameters();
      for (Pair<String, Parameter> pair : loaded.getParameters()) {
        Parameter destination = target.get(pair.getKey());
        if (destination == null
            || !destination.getArray().getShape().equals(pair.getValue().getArray().getShape())) {
          throw new IOException("saved parameter " + pair.getKey() + " does not fit this network");
        }
        pair.getValue().getArray().copyTo(destination.getArray());
      }
    } catch (MalformedModelException e) {
      throw new IOException(
          "unreadable parameters in " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
