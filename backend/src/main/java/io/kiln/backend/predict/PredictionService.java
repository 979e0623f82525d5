package io.kiln.backend.predict;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.backend.auth.ApiKeys;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DecodeMemory;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.common.Localizable;
import io.kiln.backend.run.ModelExport;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunService;
import io.kiln.core.data.DecodeBudget;
import io.kiln.core.data.ImagePixels;
import io.kiln.core.i18n.Text;
import io.kiln.core.predict.Occlusion;
import io.kiln.core.predict.TopClasses;
import io.kiln.core.run.RunState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Answers predictions with a succeeded run's exported model in ONNX Runtime, inside the backend, so
 * they never wait behind training in the agents' queue. Every image gets exactly the preprocessing
 * the run trained with (core's {@link ImagePixels}); each image that cannot be read gets its own
 * error and the others still get answers. Every request is logged for the run page's chart.
 */
@ApplicationScoped
public class PredictionService {
  /** Images per ONNX Runtime call: large enough to batch, small enough to bound memory. */
  static final int CHUNK = 32;

  private final RunService runs;
  private final ModelSessions sessions;
  private final PredictionLogs logs;

  /** How long an image waits for memory to decode in before its request is told to come back. */
  static final Duration DECODE_WAIT = Duration.ofSeconds(20);

  private final Uploads.Limits limits;
  private final long maxPixels;
  private final long maxRequestPixels;
  private final PixelAllowance allowance;
  private final InFlight inFlight;
  private final DecodeBudget budget;

  PredictionService(
      RunService runs,
      ModelSessions sessions,
      PredictionLogs logs,
      KilnConfig config,
      DecodeMemory decoding) {
    this.runs = runs;
    this.sessions = sessions;
    this.logs = logs;
    this.budget = decoding.budget();
    this.maxRequestPixels = config.predict().maxRequestPixels();
    this.allowance = new PixelAllowance(config.predict().pixelsPerMinute());
    this.inFlight = new InFlight(config.predict().requestsAtOnce());
    this.limits =
        new Uploads.Limits(
            config.predict().maxImageBytes(),
            config.predict().maxImages(),
            config.predict().maxRequestBytes());
    this.maxPixels = config.predict().maxPixels();
  }

  /** Who asks: a person (their caller) or an API key (its holder). */
  public record Asker(Caller person, ApiKeys.Holder key) {}

  /** One image's answer: the top classes, or why it got none. */
  /**
   * @param error why this file got no answer, or null
   * @param errorText the same as a message, for other languages (not sent)
   */
  public record Prediction(
      String file,
      List<TopClasses.ClassProbability> top,
      @Schema(nullable = true) String error,
      @JsonIgnore @Schema(hidden = true) Text errorText) {
    static Prediction failed(String file, Text why) {
      return new Prediction(file, List.of(), why.english(), why);
    }

    Prediction in(Locale locale) {
      return errorText == null ? this : new Prediction(file, top, errorText.in(locale), errorText);
    }
  }

  public record PredictionResult(
      long runId,
      String architecture,
      int channels,
      int inputSize,
      List<String> classNames,
      List<Prediction> predictions,
      double millis)
      implements Localizable<PredictionResult> {
    /** Why files got no answer, in the reader's language. */
    @Override
    public PredictionResult in(Locale locale) {
      return new PredictionResult(
          runId,
          architecture,
          channels,
          inputSize,
          classNames,
          predictions.stream().map(p -> p.in(locale)).toList(),
          millis);
    }
  }

  public PredictionResult predict(long runId, List<Uploads.Upload> uploads, int top, Asker asker) {
    long start = System.nanoTime();
    if (top < 1) {
      throw ApiException.field(
          400, "top must be 1 or more (the number of classes to answer)", "top", "1 or more");
    }
    if (uploads.isEmpty()) {
      throw ApiException.field(
          400, "send one or more images (or a .zip) as form field 'file'", "file", "no file");
    }
    Answered<List<Prediction>> answered =
        guarded(
            runId,
            uploads,
            asker,
            (model, batch, caller) ->
                answer(model, batch, Math.min(top, model.classNames().size()), caller));
    List<Prediction> predictions = answered.value();
    ModelSessions.Model model = answered.model();
    double millis = (System.nanoTime() - start) / 1e6;
    log(runId, predictions, millis, asker);
    return new PredictionResult(
        runId,
        model.architecture(),
        model.channels(),
        model.size(),
        model.classNames(),
        predictions,
        millis);
  }

  /** Maps kept per run and image content: asking "why?" again costs nothing. */
  private final Map<String, WhyMap> whyCache =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, WhyMap> eldest) {
              return size() > 256;
            }
          });

  /**
   * Why the model answers what it does on one image (issue 33): its occlusion map, computed in one
   * batch with the run's ONNX model, under the same limits as a prediction.
   *
   * @param cells the drop of the class's probability when each cell is hidden, row-major, {@code
   *     rows} x {@code rows} cells of {@code stride} pixels over the image as the model saw it
   *     (squared, {@code inputSize}; the last row and column may reach past its edge)
   */
  public record WhyMap(
      String file,
      String className,
      double probability,
      int inputSize,
      int rows,
      int stride,
      List<Double> cells,
      double millis,
      boolean cached) {}

  public WhyMap explain(long runId, List<Uploads.Upload> uploads, Asker asker) {
    long start = System.nanoTime();
    if (uploads.size() != 1) {
      throw ApiException.field(400, "send one image as form field 'file'", "file", "one image");
    }
    return guarded(
            runId,
            uploads,
            asker,
            (model, batch, caller) -> {
              List<Uploads.Item> items = batch.items();
              if (items.size() != 1) {
                throw ApiException.field(
                    400, "send one image, not an archive of several", "file", "one image");
              }
              Uploads.Item item = items.get(0);
              if (item.problem() != null) {
                throw new ApiException(400, item.problem());
              }
              Decoded image;
              try {
                image = decode(model, batch, item, caller);
              } catch (Unanswerable e) {
                throw new ApiException(400, e.text);
              }
              String key = runId + ":" + sha256(image.bytes());
              WhyMap known = whyCache.get(key);
              if (known != null) {
                return new WhyMap(
                    item.name(),
                    known.className(),
                    known.probability(),
                    known.inputSize(),
                    known.rows(),
                    known.stride(),
                    known.cells(),
                    (System.nanoTime() - start) / 1e6,
                    true);
              }
              // A map runs the model on every hidden position: charged as that many images.
              allowance.charge(
                  caller,
                  (long) Occlusion.batchSize(model.size()) * model.size() * model.size(),
                  Instant.now());
              Occlusion.Map map =
                  Occlusion.of(
                      image.chw(), model.channels(), model.size(), b -> runChunked(model, b));
              WhyMap why =
                  new WhyMap(
                      item.name(),
                      model.classNames().get(map.classIndex()),
                      map.probability(),
                      model.size(),
                      map.rows(),
                      map.stride(),
                      java.util.Arrays.stream(map.cells())
                          .map(v -> Math.round(v * 1e4) / 1e4)
                          .boxed()
                          .toList(),
                      (System.nanoTime() - start) / 1e6,
                      false);
              whyCache.put(key, why);
              return why;
            })
        .value();
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A map's batch through the model in chunks of {@link #CHUNK}, so memory stays bounded. */
  private static float[][] runChunked(ModelSessions.Model model, List<float[]> images) {
    List<float[]> out = new ArrayList<>();
    for (int from = 0; from < images.size(); from += CHUNK) {
      out.addAll(List.of(run(model, images.subList(from, Math.min(images.size(), from + CHUNK)))));
    }
    return out.toArray(float[][]::new);
  }

  /** What a guarded piece of work answered, with the model it used. */
  private record Answered<T>(T value, ModelSessions.Model model) {}

  /** The work done on one request's uploads with the run's model. */
  private interface Work<T> {
    T on(ModelSessions.Model model, Uploads batch, String caller) throws DecodeBudget.BusyException;
  }

  /**
   * Runs {@code work} once the asker may use the run's model, within their pixel allowance and
   * requests at once, on the uploads read within the limits.
   */
  private <T> Answered<T> guarded(
      long runId, List<Uploads.Upload> uploads, Asker asker, Work<T> work) {
    Path archive = modelOf(runId, asker);
    String caller =
        asker.key() != null ? "key:" + asker.key().keyId() : "person:" + asker.person().name();
    Duration wait = allowance.wait(caller, Instant.now());
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      throw new ApiException(
              429,
              Text.of(
                  "predict.pixelAllowance",
                  "megapixels",
                  allowance.perMinute() / 1_000_000,
                  "seconds",
                  seconds))
          .retryAfter(seconds);
    }
    if (!inFlight.enter(caller)) {
      throw new ApiException(429, Text.of("predict.tooManyAtOnce", "count", inFlight.perCaller()))
          .retryAfter(1);
    }
    try (InFlight.Slot slot = inFlight.slot(caller);
        Uploads batch = Uploads.of(uploads, limits);
        ModelSessions.Lease lease = sessions.acquire(runId, archive)) {
      return new Answered<>(work.on(lease.model(), batch, caller), lease.model());
    } catch (DecodeBudget.BusyException e) {
      throw new ApiException(429, e.text()).retryAfter(e.retryAfterSeconds());
    } catch (IOException e) {
      throw new ApiException(400, "the upload could not be read: " + e.getMessage());
    }
  }

  /** What a prediction needs of a succeeded run; it never changes once the run has its model. */
  private record ModelRef(Long teamId, Path archive) {}

  /** Runs already found predictable: a prediction then asks nothing of the database. */
  private final Map<Long, ModelRef> predictable = new ConcurrentHashMap<>();

  /** The run's model archive, once the asker may use it and the run has one. */
  private Path modelOf(long runId, Asker asker) {
    ModelRef ref = predictable.get(runId);
    if (ref == null) {
      ref = QuarkusTransaction.requiringNew().call(() -> lookUp(runId, asker));
      if (predictable.size() > 10_000) {
        predictable.clear();
      }
      predictable.put(runId, ref);
    }
    if (!mayUse(asker, ref.teamId())) {
      throw ApiException.notFound("run", runId);
    }
    return ref.archive();
  }

  /** A key predicts for its own team's runs; a person for the runs of teams they see. */
  private static boolean mayUse(Asker asker, Long teamId) {
    return asker.key() != null
        ? teamId != null && teamId == asker.key().teamId()
        : asker.person().sees(teamId);
  }

  private ModelRef lookUp(long runId, Asker asker) {
    Run run = Run.findById(runId);
    if (run == null || !mayUse(asker, run.teamId)) {
      throw ApiException.notFound("run", runId);
    }
    if (run.state != RunState.SUCCEEDED || run.modelPath == null) {
      throw new ApiException(
          409,
          "run "
              + runId
              + " has no trained model to predict with (it is "
              + run.state.name().toLowerCase(java.util.Locale.ROOT)
              + ")");
    }
    if (!run.modelOnnx) {
      throw new ApiException(
          409,
          "run " + runId + " cannot answer predictions: " + ModelExport.unavailableReason(run));
    }
    return new ModelRef(run.teamId, runs.modelFile(run));
  }

  /**
   * Each image read, decoded (subsampled for the model's size, within the decode budget) and
   * predicted in chunks; a request stops decoding once it has decoded {@code maxRequestPixels}, and
   * every image decoded is charged to the caller's pixel allowance.
   */
  private List<Prediction> answer(ModelSessions.Model model, Uploads batch, int top, String caller)
      throws DecodeBudget.BusyException {
    List<Uploads.Item> items = batch.items();
    Prediction[] out = new Prediction[items.size()];
    List<Integer> pending = new ArrayList<>();
    List<float[]> pixels = new ArrayList<>();
    long decoded = 0;
    for (int i = 0; i < items.size(); i++) {
      Uploads.Item item = items.get(i);
      if (item.problem() != null) {
        out[i] = Prediction.failed(item.name(), item.problem());
        continue;
      }
      if (decoded >= maxRequestPixels) {
        out[i] =
            Prediction.failed(
                item.name(),
                Text.of("predict.requestPixels", "megapixels", maxRequestPixels / 1_000_000));
        continue;
      }
      try {
        Decoded image = decode(model, batch, item, caller);
        decoded += image.pixels();
        pixels.add(image.chw());
        pending.add(i);
      } catch (Unanswerable e) {
        out[i] = Prediction.failed(item.name(), e.text);
      }
      if (pending.size() == CHUNK) {
        flush(model, items, pending, pixels, top, out);
      }
    }
    flush(model, items, pending, pixels, top, out);
    return List.of(out);
  }

  /** One image ready for the model: its pixels (CHW) and what it cost to decode. */
  private record Decoded(float[] chw, long pixels, byte[] bytes) {}

  /** Why one file gets no answer. */
  private static final class Unanswerable extends Exception {
    final transient Text text;

    Unanswerable(Text text) {
      super(text.english(), null, false, false);
      this.text = text;
    }
  }

  /**
   * Reads and decodes one upload (subsampled for the model's size, within the decode budget) and
   * charges its pixels to the caller's allowance.
   */
  private Decoded decode(ModelSessions.Model model, Uploads batch, Uploads.Item item, String caller)
      throws DecodeBudget.BusyException, Unanswerable {
    try (DecodeBudget.Lease lease = budget.lease()) {
      lease.growTo(Math.max(0, Math.min(item.size(), limits.maxBytes())), DECODE_WAIT);
      byte[] bytes = batch.read(item);
      lease.growTo(bytes.length, DECODE_WAIT);
      ImagePixels.Decoded image =
          ImagePixels.read(bytes, maxPixels, model.size(), lease, DECODE_WAIT);
      long claimed = (long) image.width() * image.height();
      allowance.charge(caller, claimed, Instant.now());
      return new Decoded(
          ImagePixels.toChw(ImagePixels.resize(image.image(), model.size()), model.channels()),
          claimed,
          bytes);
    } catch (Uploads.Unreadable e) {
      throw new Unanswerable(e.text());
    } catch (ImagePixels.UndecodableException e) {
      throw new Unanswerable(e.text());
    } catch (IOException e) {
      throw new Unanswerable(Text.of("image.damaged", "detail", e.getMessage()));
    }
  }

  /** Predicts the decoded images waiting in {@code pixels} and empties the lists. */
  private static void flush(
      ModelSessions.Model model,
      List<Uploads.Item> items,
      List<Integer> pending,
      List<float[]> pixels,
      int top,
      Prediction[] out) {
    if (pending.isEmpty()) {
      return;
    }
    float[][] probabilities = run(model, pixels);
    for (int j = 0; j < pending.size(); j++) {
      int index = pending.get(j);
      out[index] =
          new Prediction(
              items.get(index).name(),
              TopClasses.of(probabilities[j], model.classNames(), top),
              null,
              null);
    }
    pending.clear();
    pixels.clear();
  }

  private static float[][] run(ModelSessions.Model model, List<float[]> images) {
    int plane = model.channels() * model.size() * model.size();
    float[] batch = new float[images.size() * plane];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, batch, i * plane, plane);
    }
    long[] shape = {images.size(), model.channels(), model.size(), model.size()};
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch), shape);
        OrtSession.Result result = model.session().run(Map.of("image", input))) {
      return (float[][]) result.get("probabilities").orElseThrow().getValue();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on the model: " + e.getMessage(), e);
    }
  }

  private void log(long runId, List<Prediction> predictions, double millis, Asker asker) {
    PredictionLog entry = new PredictionLog();
    entry.runId = runId;
    entry.at = Instant.now();
    entry.images = predictions.size();
    entry.failed = (int) predictions.stream().filter(p -> p.error() != null).count();
    entry.millis = millis;
    entry.username = asker.person() == null ? null : asker.person().name();
    entry.apiKeyId = asker.key() == null ? null : asker.key().keyId();
    logs.record(entry);
  }
}
