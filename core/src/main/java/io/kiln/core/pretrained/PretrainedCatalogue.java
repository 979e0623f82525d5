package io.kiln.core.pretrained;

import java.util.List;
import java.util.Optional;

/**
 * The ImageNet starting points Kiln offers by default (T13): torchvision's published weight files,
 * loaded into Kiln's own networks (the layers match torchvision's layout tensor for tensor, see
 * {@link TorchvisionLayout}), so a fine-tuned run exports, predicts, resumes and compares like any
 * other.
 *
 * <p>Why torchvision's files: they are the weights the field fine-tunes from, served from one flat
 * folder (easy to mirror), each named with the start of its SHA-256, in PyTorch's documented
 * state-dict format (a zip of a pickle and raw tensors) that {@link StateDict} reads. The SHA-256
 * and size of each file are those published copies'.
 */
public final class PretrainedCatalogue {
  /** Where torchvision publishes its weights; a setting may name a mirror with the same layout. */
  public static final String DEFAULT_SOURCE = "https://download.pytorch.org/models/";

  /** The entry a photo dataset starts from by default: the smallest ResNet (T19). */
  public static final String DEFAULT_ID = "resnet-18-imagenet";

  /** What every catalogue network was trained on: ImageNet's per-channel mean and deviation. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  /** Pretrained networks take colour images; gray ones are repeated to three channels. */
  public static final int CHANNELS = 3;

  public static final List<CatalogueEntry> ALL =
      List.of(
          new CatalogueEntry(
              DEFAULT_ID,
              "resnet-18",
              "ResNet-18, ImageNet",
              "resnet18-f37072fd.pth",
              "f37072fd47e89c5e827621c5baffa7500819f7896bbacec160b1a16c560e07ec",
              46_830_571L,
              69.758,
              "ResNet18_Weights.IMAGENET1K_V1"),
          new CatalogueEntry(
              "resnet-34-imagenet",
              "resnet-34",
              "ResNet-34, ImageNet",
              "resnet34-b627a593.pth",
              "b627a593bcbe140c234610266fe4f8ae95ea42fc881d091c9b6052e6b1d0590f",
              87_319_819L,
              73.314,
              "ResNet34_Weights.IMAGENET1K_V1"),
          new CatalogueEntry(
              "resnet-50-imagenet",
              "resnet-50",
              "ResNet-50, ImageNet",
              "resnet50-0676ba61.pth",
              "0676ba61b6795bbe1773cffd859882e5e297624d384b6993f7c9e683e722fb8a",
              102_530_333L,
              76.13,
              "ResNet50_Weights.IMAGENET1K_V1"),
          new CatalogueEntry(
              "mobilenet-v2-imagenet",
              "mobilenet-v2",
              "MobileNetV2, ImageNet",
              "mobilenet_v2-7ebf99e0.pth",
              "7ebf99e03e254b273379b23edca7ec0da9f48273b23a332b93c1c99d49e86e8f",
              14_258_573L,
              72.154,
              "MobileNet_V2_Weights.IMAGENET1K_V2"));

  private PretrainedCatalogue() {}

  public static Optional<CatalogueEntry> find(String id) {
    return ALL.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  /** The entry whose file has this SHA-256 (an imported copy of a published file). */
  public static Optional<CatalogueEntry> bySha256(String sha256) {
    return ALL.stream().filter(e -> e.sha256().equalsIgnoreCase(sha256)).findFirst();
  }

  /** True for architectures that pretrained weights can fill. */
  public static boolean pretrainable(String architecture) {
    return TorchvisionLayout.ARCHITECTURES.contains(architecture);
  }
}
