package io.kiln.core.pretrained;

/**
 * One pretrained starting point Kiln knows by name: a weights file the field uses, where it is
 * published and its SHA-256, and which of Kiln's architectures it fills (T13).
 *
 * @param id the name a recipe gives in {@code pretrainedWeights}, e.g. {@code resnet-18-imagenet}
 * @param architecture the Kiln architecture whose layers the file fills
 * @param title what a person reads, e.g. "ResNet-18, ImageNet"
 * @param fileName the file's name at the source, e.g. {@code resnet18-f37072fd.pth}
 * @param sha256 the file's SHA-256 (hex, lower case)
 * @param bytes the file's size
 * @param imagenetTop1 the source's published ImageNet-1k top-1 accuracy, in percent
 * @param weightsName the source's own name for these weights
 */
public record CatalogueEntry(
    String id,
    String architecture,
    String title,
    String fileName,
    String sha256,
    long bytes,
    double imagenetTop1,
    String weightsName) {

  /** The file's address under a source's base address (torchvision's layout: one flat folder). */
  public String url(String baseUrl) {
    return (baseUrl.endsWith("/") ? baseUrl : baseUrl + "/") + fileName;
  }
}
