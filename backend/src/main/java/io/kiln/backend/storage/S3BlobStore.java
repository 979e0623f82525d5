package io.kiln.backend.storage;

import io.kiln.backend.common.KilnConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph) that every backend replica shares. An
 * upload goes up in parts of {@code partMib} as it is read, one part in memory at a time, never
 * whole in memory or on the backend's disk; S3 makes the object visible whole when the last part is
 * in, so a reader sees the previous content or the new one. A failed upload is aborted, leaving
 * nothing behind.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
  /** S3 refuses parts under 5 MiB (except the last). */
  static final int MIN_PART = 5 << 20;

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final int partBytes;

  S3BlobStore(KilnConfig.Storage.S3 config) {
    this.bucket =
        config
            .bucket()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "kiln.storage.kind=s3 needs a bucket: set KILN_STORAGE_S3_BUCKET"));
    this.prefix = config.prefix().orElse("");
    this.partBytes = Math.max(MIN_PART, config.partMib() << 20);
    AwsCredentialsProvider credentials =
        config.accessKey().isPresent()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(config.accessKey().get(), config.secretKey().orElse("")))
            : DefaultCredentialsProvider.builder().build();
    S3Configuration style =
        S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build();
    Region region = Region.of(config.region());
    var client =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.builder().build())
            .region(region)
            .credentialsProvider(credentials)
            .serviceConfiguration(style)
            // Checksums only where S3 requires them: the SDK's default trailing checksums (since
            // 2.30) are refused by many S3-compatible stores (older MinIO, Ceph, S3Proxy).
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    var signer =
        S3Presigner.builder()
            .region(region)
            .credentialsProvider(credentials)
            .serviceConfiguration(style);
    config
        .endpoint()
        .map(URI::create)
        .ifPresent(
            e -> {
              client.endpointOverride(e);
              signer.endpointOverride(e);
            });
    this.s3 = client.build();
    this.presigner = signer.build();
  }

  @Override
  public long put(String key, InputStream content) throws IOException {
    String object = object(key);
    byte[] part = new byte[partBytes];
    int first = content.readNBytes(part, 0, part.length);
    if (first < part.length) {
      // Smaller than one part: one request.
      call(
          () ->
              s3.putObject(
                  b -> b.bucket(bucket).key(object), RequestBody.fromBytes(copy(part, first))));
      return first;
    }
    String upload =
        call(() -> s3.createMultipartUpload(b -> b.bucket(bucket).key(object)).uploadId());
    List<CompletedPart> parts = new ArrayList<>();
    long total = 0;
    try {
      int length = first;
      while (length > 0) {
        int number = parts.size() + 1;
        byte[] bytes = length == part.length ? part : copy(part, length);
        String etag =
            call(
                () ->
                    s3.uploadPart(
                            b ->
                                b.bucket(bucket)
                                    .key(object)
                                    .uploadId(upload)
                                    .partNumber(number)
                                    .contentLength((long) bytes.length),
                            RequestBody.fromBytes(bytes))
                        .eTag());
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        total += length;
        length = content.readNBytes(part, 0, part.length);
      }
      call(
          () ->
              s3.completeMultipartUpload(
                  b ->
                      b.bucket(bucket)
                          .key(object)
                          .uploadId(upload)
                          .multipartUpload(
                              CompletedMultipartUpload.builder().parts(parts).build())));
      return total;
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(upload));
      } catch (SdkException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    }
  }

  @Override
  public Optional<InputStream> open(String key) throws IOException {
    try {
      return Optional.of(s3.getObject(b -> b.bucket(bucket).key(object(key))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new IOException("cannot read " + key + " from bucket " + bucket + ": " + e, e);
    }
  }

  @Override
  public boolean exists(String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(object(key)));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    call(() -> s3.deleteObject(b -> b.bucket(bucket).key(object(key))));
  }

  /**
   * One request per object: S3's batch delete needs a checksum header that S3-compatible stores
   * often do not implement, and a folder here (a run's checkpoints) holds a handful of objects.
   */
  @Override
  public void deleteUnder(String folder) throws IOException {
    String start = object(folder) + "/";
    List<String> keys = new ArrayList<>();
    for (S3Object o :
        s3.listObjectsV2Paginator(
                ListObjectsV2Request.builder().bucket(bucket).prefix(start).build())
            .contents()) {
      keys.add(o.key());
    }
    for (String key : keys) {
      call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }
  }

  @Override
  public Optional<URI> downloadUrl(String key, Duration valid) {
    try {
      return Optional.of(
          presigner
              .presignGetObject(
                  b ->
                      b.signatureDuration(valid)
                          .getObjectRequest(g -> g.bucket(bucket).key(object(key))))
              .url()
              .toURI());
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    s3.close();
    presigner.close();
  }

  private String object(String key) {
    return prefix + FileBlobStore.checked(key);
  }

  private static byte[] copy(byte[] bytes, int length) {
    return java.util.Arrays.copyOf(bytes, length);
  }

  private interface Call<T> {
    T run();
  }

  /** An S3 failure as the IOException callers of a blob store handle. */
  private <T> T call(Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (SdkException e) {
      throw new IOException("object storage (bucket " + bucket + "): " + e.getMessage(), e);
    }
  }
}
