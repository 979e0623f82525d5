package io.kiln.backend.pretrained;

import io.kiln.core.i18n.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches a weights file from its source (torchvision's download folder or a mirror with the same
 * file names) the way {@code torch.hub} does, but strictly: the download streams to a file while
 * its SHA-256 is computed, stops past the expected size, and is refused unless its SHA-256 is the
 * catalogue's. Every failure is one sentence a person can act on.
 */
final class WeightsDownload {
  /** The fetch failed; the text says why in plain words, in every language Kiln speaks. */
  static final class FailedException extends IOException {
    final Text text;

    FailedException(Text text) {
      super(text.english());
      this.text = text;
    }
  }

  private final HttpClient http;
  private final Duration timeout;

  WeightsDownload(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** Whether the source has the file (a HEAD request); throws with the reason when not. */
  void probe(URI url) throws FailedException {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() != 200) {
        throw new FailedException(
            Text.of("download.status", "url", url, "status", response.statusCode()));
      }
    } catch (FailedException e) {
      throw e;
    } catch (IOException e) {
      throw new FailedException(reason(url, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FailedException(Text.of("download.interrupted", "url", url));
    }
  }

  /**
   * Downloads {@code url} to {@code target} and checks it.
   *
   * @param sha256 the SHA-256 the file must have
   * @param bytes the size it must have
   */
  void fetch(URI url, String sha256, long bytes, Path target) throws FailedException {
    HttpRequest request = HttpRequest.newBuilder(url).GET().build();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        if (response.statusCode() != 200) {
          throw new FailedException(
              Text.of("download.status", "url", url, "status", response.statusCode()));
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
          byte[] buffer = new byte[1 << 16];
          for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > bytes) {
              throw new FailedException(Text.of("download.tooLarge", "url", url, "bytes", bytes));
            }
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
          }
        }
        String found = HexFormat.of().formatHex(digest.digest());
        if (!found.equalsIgnoreCase(sha256)) {
          throw new FailedException(
              Text.of("download.wrongSha", "url", url, "found", found, "expected", sha256));
        }
      }
    } catch (FailedException e) {
      deleteQuietly(target);
      throw e;
    } catch (IOException e) {
      deleteQuietly(target);
      throw new FailedException(reason(url, e));
    } catch (InterruptedException e) {
      deleteQuietly(target);
      Thread.currentThread().interrupt();
      throw new FailedException(Text.of("download.interrupted", "url", url));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Why a request failed, in words: no such host, refused, timed out, or the error itself. */
  static Text reason(URI url, IOException e) {
    if (e instanceof UnknownHostException || e.getCause() instanceof UnknownHostException) {
      return Text.of("download.noHost", "host", url.getHost());
    }
    if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
      return Text.of("download.timeout", "host", url.getHost());
    }
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return Text.of("download.refused", "host", url.getHost(), "port", port(url));
    }
    return Text.of(
        "download.failed",
        "url",
        url,
        "error",
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
  }

  private static int port(URI url) {
    return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover in the uploads folder is removed with the next start
    }
  }
}
