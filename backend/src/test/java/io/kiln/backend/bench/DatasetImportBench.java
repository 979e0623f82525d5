package io.kiln.backend.bench;

import io.kiln.backend.dataset.archive.DatasetImporter;
import io.kiln.backend.dataset.archive.FashionMnistZip;
import io.kiln.backend.dataset.archive.ImportLimits;
import io.kiln.backend.dataset.archive.ImportResult;
import io.kiln.backend.dataset.archive.SplitOptions;
import io.kiln.core.data.IdxImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Importing and validating the 70,000 Fashion-MNIST images as a PNG zip (decode, hash, split, write
 * the canonical archive and thumbnails) against {@code unzip -t} of the same archive, which only
 * inflates and checks CRCs. Rounds alternate so machine drift hits both alike; medians are printed.
 * Usage: DatasetImportBench WORK_DIR [ROUNDS]
 */
public final class DatasetImportBench {
  private DatasetImportBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path zip = work.resolve("fashion-mnist-png.zip");
    int images = FashionMnistZip.write(IdxImages.FASHION_MNIST, 60_000, 10_000, zip);
    System.out.printf("archive: %d images, %.1f MB%n", images, Files.size(zip) / 1e6);
    ImportLimits limits = new ImportLimits(16L << 30, 1_000_000, 200, 64L << 20, 100_000_000, 10);
    double[] kiln = new double[rounds];
    double[] unzip = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      unzip[r] = unzipTest(zip);
      long start = System.nanoTime();
      ImportResult result =
          DatasetImporter.importArchive(
              zip,
              limits,
              new io.kiln.core.data.DecodeBudget(io.kiln.core.data.DecodeBudget.quarterOfHeap()),
              SplitOptions.DEFAULT,
              work.resolve("canonical.zip"),
              work.resolve("thumbnails.zip"));
      kiln[r] = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "round %d: kiln %.2f s (%d images kept; findings: %s), unzip -t %.2f s%n",
          r + 1,
          kiln[r],
          result.imageCount(),
          result.findings().stream().map(f -> f.kind() + " x" + f.fileCount()).toList(),
          unzip[r]);
    }
    double k = median(kiln);
    double u = median(unzip);
    System.out.printf(
        "kiln import+validation: %.2f s, %.0f images/s; unzip -t: %.2f s, %.0f images/s; %d cores%n",
        k, images / k, u, images / u, Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "RESULT name=dataset-import kiln=%.0f reference=%.0f ratio=%.3f unit=images/s%n",
        images / k, images / u, u / k);
  }

  private static double unzipTest(Path zip) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder("unzip", "-t", "-qq", zip.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IOException("unzip -t failed");
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
