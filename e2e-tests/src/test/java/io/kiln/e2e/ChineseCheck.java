package io.kiln.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What "a page reads in Chinese" means for the journey's check: every visible English word is the
 * person's own data (collected from the API) or a name kept as is in every language.
 */
final class ChineseCheck {
  private ChineseCheck() {}

  /** Product, format, algorithm and code names that Chinese text keeps in Latin letters. */
  static final Set<String> KEPT_AS_IS =
      Set.copyOf(
          List.of(
              "Kiln",
              // Webhooks (issue 35): the product names and the header names Kiln-Signature and
              // Kiln-Delivery, which receivers match letter for letter.
              "Webhook",
              "Slack",
              "HMAC",
              "SHA256",
              "Signature",
              "Delivery",
              "ONNX",
              "API",
              "CSV",
              "JSON",
              "HTML",
              "DJL",
              "PNG",
              "JPEG",
              "JPG",
              "GIF",
              "BMP",
              "WebP",
              "TIFF",
              "tif",
              "tiff",
              "webp",
              "png",
              "jpg",
              "jpeg",
              "gif",
              "bmp",
              "zip",
              "tar",
              "SGD",
              "Adam",
              "AdamW",
              "Nesterov",
              "RMSProp",
              "Nadam",
              "ResNet",
              "MobileNet",
              "CNN",
              "CutMix",
              "Mixup",
              "mixup",
              "GridMask",
              "Hide",
              "and",
              "Seek",
              "RandAugment",
              "Cutout",
              "Epsilon",
              "Beta",
              "TorchScript",
              "backbone",
              "cosine",
              "piecewise",
              "polynomial",
              "exponential",
              "plateau",
              "constant",
              "linear",
              "none",
              "valAccuracy",
              "valLoss",
              "max",
              "min",
              "sgd",
              "adam",
              "adamw",
              "rmsprop",
              "nadam",
              "cnn",
              "small",
              "mobilenet",
              "resnet",
              "random",
              "run",
              "dataset",
              "autoaugment",
              "randaugment",
              "CPU",
              "GPU",
              "cpu",
              "gpu",
              "curl",
              "POST",
              "GET",
              "Bearer",
              "Authorization",
              "Cookie",
              "http",
              "https",
              "localhost",
              "Debian",
              "fashion",
              "mnist",
              "Fashion",
              "MNIST",
              "Preview",
              "Mac",
              "iPhone",
              "EXIF",
              "RGB",
              "MACOSX",
              "Thumbs",
              "val",
              "test",
              "train",
              "MODEL",
              "api",
              "runs",
              "predict",
              "file",
              "jit",
              "trace",
              "script",
              "torch",
              "model",
              "Identity",
              "java",
              "jar",
              "kiln",
              "agent",
              "server",
              "token",
              "name",
              "my",
              "UseSerialGC",
              "minus",
              "one",
              "JVM",
              "auto",
              "archive",
              "dataset",
              "predictions",
              "top",
              "probability",
              "ImageNet",
              "imagenet",
              "pretrained",
              "imported",
              "MobileNetV2",
              "torchvision",
              "KILN",
              "PRETRAINED",
              "SOURCE",
              "pth",
              "MobileNetV3",
              "He",
              "rho",
              "Adaptive",
              "protocol",
              "Python",
              "onnxruntime",
              "lr",
              "DJL's",
              "Runtime",
              "alpha",
              "a100",
              // The agent download's hint names the bundled library, the vendor and a file path.
              "PyTorch",
              "NVIDIA",
              "deploy"));

  /** Visible text nodes of the page's content and header, outside code and form values. */
  static final String VISIBLE_TEXT =
      "() => { const out = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
          + " for (let n = walker.nextNode(); n; n = walker.nextNode()) {"
          + "  const el = n.parentElement; const text = n.textContent.trim();"
          + "  if (!text || !el || el.closest('code, pre, script, style, textarea, [lang=en], [translate=no]')) continue;"
          + "  const box = el.getBoundingClientRect(); const style = getComputedStyle(el);"
          + "  if (style.visibility === 'hidden' || style.display === 'none') continue;"
          + "  if (box.width === 0 && box.height === 0 && !el.closest('details')) continue;"
          + "  out.push(text); } return out; }";

  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9']{2,}");

  /**
   * Addresses, host and file names and setting names (https://..., download.pytorch.org,
   * resnet18-f37072fd.pth, KILN_PRETRAINED_SOURCE) are names, kept as they are in every language.
   */
  private static final Pattern NAMES =
      Pattern.compile(
          "https?://\\S+|[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)+(?:/\\S*)?|[A-Z]+(?:_[A-Z]+)+");

  /** Words of three or more Latin letters, outside addresses and file and setting names. */
  static List<String> englishWords(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(NAMES.matcher(text).replaceAll(" "));
    while (m.find()) {
      if (!m.group().matches("[TA][0-9]+")) { // trick and rule codes, links to the glossary
        words.add(m.group());
      }
    }
    return words;
  }

  /** Fields that hold what people named or wrote themselves. */
  private static final Set<String> PEOPLES_WORDS =
      Set.of(
          "name",
          "classNames",
          "username",
          "displayName",
          "createdBy",
          "hostname",
          "labels",
          "tags",
          "remarks",
          "note",
          "by",
          "comment",
          "requiredLabels",
          "teams",
          "teamName",
          "description");

  /** The words of the person's own names and notes anywhere in the JSON. */
  static void collectWords(JsonNode node, Set<String> words) {
    node.fields()
        .forEachRemaining(
            e -> {
              if (PEOPLES_WORDS.contains(e.getKey())) {
                allText(e.getValue(), words);
              }
            });
    node.forEach(child -> collectWords(child, words));
  }

  private static void allText(JsonNode node, Set<String> words) {
    if (node.isTextual()) {
      words.addAll(englishWords(node.asText()));
    } else {
      node.forEach(child -> allText(child, words));
    }
  }
}
