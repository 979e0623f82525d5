package io.kiln.agent.training.net;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.kiln.core.recipe.Recipe;

/**
 * Every Kiln network: a feature extractor and a classifier head, kept apart so that fine-tuning can
 * load pretrained features without the old classifier (T13) and train the head alone first (T14).
 *
 * <p>While the features are frozen they run in inference mode: no gradients, and batch norm uses
 * (and keeps) its running statistics, so a head-only epoch leaves every feature value unchanged.
 */
public final class KilnNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Block features;
  private final Block head;
  private boolean featuresFrozen;
  private boolean storedFeatureInput;
  private float dropout;

  /**
   * The features under a fresh classifier head, one logit per class: the one place the head is
   * built (for Kiln's own architectures and for uploaded backbones alike). A change to the head is
   * made here, and in the ONNX exporter if it adds a new block; dropout before it adds none.
   */
  public static KilnNet withClassifier(Block features, int classes) {
    return new KilnNet(features, ai.djl.nn.core.Linear.builder().setUnits(classes).build());
  }

  private KilnNet(Block features, Block head) {
    super(VERSION);
    this.features = addChildBlock("features", features);
    this.head = addChildBlock("head", head);
  }

  public Block features() {
    return features;
  }

  public Block head() {
    return head;
  }

  public boolean featuresFrozen() {
    return featuresFrozen;
  }

  /**
   * Freezes or unfreezes the feature extractor. Call after creating the trainer (DJL's PyTorch
   * trainer un-freezes everything when it is created). Running mean and variance of batch norm are
   * never trainable and are left alone.
   */
  public void freezeFeatures(boolean freeze) {
    featuresFrozen = freeze;
    for (Parameter parameter : features.getParameters().values()) {
      Parameter.Type type = parameter.getType();
      if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
        parameter.freeze(freeze);
      }
    }
  }

  /**
   * Takes the recipe's settings of the network itself (today the dropout before the head): the one
   * place a new such field is read, so adding one touches the catalogue, its Chinese words, the
   * recipe's accessor and this class.
   */
  public void configure(Recipe recipe) {
    dropBeforeHead(recipe.dropout());
  }

  /**
   * While training, zeroes this share of the head's inputs at random (and scales the rest up), so
   * the classifier cannot lean on a few features; off in inference, so predictions, stored weights
   * and the ONNX export are as without it.
   */
  public void dropBeforeHead(double rate) {
    if (rate < 0 || rate >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1): " + rate);
    }
    dropout = (float) rate;
  }

  /**
   * While on, inputs are the feature extractor's outputs ({@code [N, features]}), computed once and
   * stored (T14: the head trains on them in seconds); they go straight to the head.
   */
  public void takeStoredFeatures(boolean on) {
    storedFeatureInput = on;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (storedFeatureInput) {
      return head.forward(parameterStore, dropped(inputs, training), training, params);
    }
    NDList featureMaps =
        features.forward(parameterStore, inputs, training && !featuresFrozen, params);
    if (training && featuresFrozen) {
      // A TorchScript backbone in inference mode returns inference tensors, which autograd may not
      // keep for the head's backward pass; a copy made here is an ordinary tensor.
      NDList copies = new NDList(featureMaps.size());
      featureMaps.forEach(a -> copies.add(a.duplicate()));
      featureMaps = copies;
    }
    return head.forward(parameterStore, dropped(featureMaps, training), training, params);
  }

  private NDList dropped(NDList headInputs, boolean training) {
    return training && dropout > 0
        ? Dropout.dropout(headInputs.singletonOrThrow(), dropout, true)
        : headInputs;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(features.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    features.initialize(manager, dataType, inputShapes);
    head.initialize(manager, dataType, features.getOutputShapes(inputShapes));
  }
}
