package io.kiln.agent.training.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import io.kiln.core.recipe.Recipe;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SGD (with momentum and optional Nesterov), Adam, AdamW, RMSProp and Nadam (T1), written on DJL's
 * optimizer extension point because DJL 0.35.1 on PyTorch lacks some (Nag, RmsProp) and keeps no
 * optimizer state that a checkpoint could save. Update rules follow PyTorch's {@code torch.optim}:
 * weight decay is L2 added to the gradient (T9), except AdamW, which decays the weights directly;
 * RMSProp's smoothing constant is beta2; Nadam is Dozat's form without PyTorch's momentum-decay
 * schedule.
 *
 * <p>The learning rate is set by the training loop before every update ({@link #setLearningRate}),
 * from the schedule in core, so the reported rate is the applied rate.
 */
public final class KilnOptimizer extends Optimizer {
  static final List<String> KINDS = List.of("sgd", "adam", "adamw", "rmsprop", "nadam");

  private final String kind;
  private final float momentum;
  private final boolean nesterov;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private float learningRate;

  /** Per parameter, per device copy: its update count and slots (momentum buffer, moments). */
  private final Map<String, Map<Device, State>> states = new HashMap<>();

  private static final class State {
    long step;
    final NDArray[] slots;

    State(long step, NDArray[] slots) {
      this.step = step;
      this.slots = slots;
    }
  }

  public KilnOptimizer(Recipe recipe) {
    super(new Builder());
    this.kind = recipe.optimizer();
    this.momentum = (float) recipe.momentum();
    this.nesterov = recipe.nesterov();
    this.beta1 = (float) recipe.beta1();
    this.beta2 = (float) recipe.beta2();
    this.epsilon = (float) recipe.epsilon();
    this.weightDecay = (float) recipe.weightDecay();
    this.learningRate = (float) recipe.effectiveLearningRate();
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown optimizer '" + kind + "'");
    }
  }

  public void setLearningRate(float learningRate) {
    this.learningRate = learningRate;
  }

  public float learningRate() {
    return learningRate;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    State state =
        states
            .computeIfAbsent(parameterId, k -> new HashMap<>())
            .computeIfAbsent(weight.getDevice(), d -> newState(parameterId, weight));
    long t = ++state.step;
    try (NDManager scope = weight.getManager().newSubManager()) {
      Temps temps = new Temps(scope);
      NDArray g = temps.of(grad.duplicate());
      switch (kind) {
        case "sgd" -> sgd(weight, withDecay(g, weight, temps), state.slots, temps);
        case "adam" -> adam(weight, withDecay(g, weight, temps), state.slots, t, false, temps);
        case "nadam" -> adam(weight, withDecay(g, weight, temps), state.slots, t, true, temps);
        case "adamw" -> {
          if (weightDecay > 0) {
            weight.muli(1 - learningRate * weightDecay);
          }
          adam(weight, g, state.slots, t, false, temps);
        }
        case "rmsprop" -> rmsprop(weight, withDecay(g, weight, temps), state.slots, temps);
        default -> throw new IllegalStateException(kind);
      }
    }
  }

  private NDArray withDecay(NDArray g, NDArray weight, Temps temps) {
    return weightDecay > 0 ? g.addi(temps.of(weight.mul(weightDecay))) : g;
  }

  /** PyTorch SGD: buf = mu * buf + g; step = nesterov ? g + mu * buf : buf. */
  private void sgd(NDArray weight, NDArray g, NDArray[] slots, Temps temps) {
    if (momentum == 0) {
      weight.subi(g.muli(learningRate));
      return;
    }
    NDArray buffer = slots[0].muli(momentum).addi(g);
    NDArray step = nesterov ? g.addi(temps.of(buffer.mul(momentum))) : temps.of(buffer.duplicate());
    weight.subi(step.muli(learningRate));
  }

  /** Adam with bias correction; Nadam uses the Nesterov look-ahead on the first moment. */
  private void adam(
      NDArray weight, NDArray g, NDArray[] slots, long t, boolean nadam, Temps temps) {
    NDArray m = slots[0].muli(beta1).addi(temps.of(g.mul(1 - beta1)));
    slots[1].muli(beta2).addi(temps.of(g.square()).muli(1 - beta2));
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    NDArray mHat =
        nadam
            ? temps
                .of(m.mul((float) (beta1 / (1 - Math.pow(beta1, t + 1)))))
                .addi(g.muli((float) ((1 - beta1) / c1)))
            : temps.of(m.div((float) c1));
    NDArray denominator = temps.of(temps.of(slots[1].div((float) c2)).sqrt()).addi(epsilon);
    weight.subi(mHat.divi(denominator).muli(learningRate));
  }

  /**
   * PyTorch RMSProp: v = rho * v + (1 - rho) g^2; step = g / (sqrt(v) + eps), through momentum if
   * set.
   */
  private void rmsprop(NDArray weight, NDArray g, NDArray[] slots, Temps temps) {
    slots[0].muli(beta2).addi(temps.of(g.square()).muli(1 - beta2));
    NDArray scaled = g.divi(temps.of(slots[0].sqrt()).addi(epsilon));
    if (momentum > 0) {
      NDArray buffer = slots[1].muli(momentum).addi(scaled);
      weight.subi(temps.of(buffer.mul(learningRate)));
    } else {
      weight.subi(scaled.muli(learningRate));
    }
  }

  private State newState(String parameterId, NDArray weight) {
    Map<Device, State> others = states.get(parameterId);
    if (others != null && !others.isEmpty()) {
      // Another device copy already has state (e.g. restored from a checkpoint): start from it.
      State source = others.values().iterator().next();
      NDArray[] copies = new NDArray[source.slots.length];
      for (int i = 0; i < copies.length; i++) {
        copies[i] = source.slots[i].toDevice(weight.getDevice(), true);
      }
      return new State(source.step, copies);
    }
    return new State(0, new NDArray[] {weight.zerosLike(), weight.zerosLike()});
  }

  /**
   * Writes the update count and slots of every parameter (its first device copy).
   *
   * @param names each parameter id's structural name in the network; ids are random per instance,
   *     names are the same in the network a resumed run builds
   */
  public void save(DataOutputStream out, Map<String, String> names) throws IOException {
    Map<String, Map<Device, State>> sorted = new TreeMap<>(states);
    out.writeInt(sorted.size());
    for (Map.Entry<String, Map<Device, State>> entry : sorted.entrySet()) {
      State state = entry.getValue().values().iterator().next();
      out.writeUTF(names.getOrDefault(entry.getKey(), entry.getKey()));
      out.writeLong(state.step);
      out.writeInt(state.slots.length);
      for (NDArray slot : state.slots) {
        byte[] bytes = slot.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
      }
    }
  }

  /**
   * Restores what {@link #save} wrote onto {@code device}; other device copies start from it.
   *
   * @param ids each structural name's parameter id in this network
   */
  public void load(DataInputStream in, NDManager manager, Device device, Map<String, String> ids)
      throws IOException {
    states.clear();
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      String name = in.readUTF();
      String id = ids.getOrDefault(name, name);
      long step = in.readLong();
      NDArray[] slots = new NDArray[in.readInt()];
      for (int s = 0; s < slots.length; s++) {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        slots[s] = NDArray.decode(manager, bytes).toDevice(device, false);
      }
      Map<Device, State> byDevice = new HashMap<>();
      byDevice.put(device, new State(step, slots));
      states.put(id, byDevice);
    }
  }

  /** Attaches temporaries to the update's scope so they are freed when it closes. */
  private record Temps(NDManager scope) {
    NDArray of(NDArray array) {
      array.attach(scope);
      return array;
    }
  }

  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
