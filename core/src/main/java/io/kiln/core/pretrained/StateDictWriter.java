package io.kiln.core.pretrained;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes float32 tensors as a PyTorch state dict in the zip layout {@code torch.save} uses, so
 * {@code torch.load} (and {@code model.load_state_dict}) reads a Kiln network's weights, and Kiln
 * reads them back ({@link StateDict}). The pickle is written opcode by opcode (protocol 2): an
 * OrderedDict of {@code torch._utils._rebuild_tensor_v2} calls over persistent storages.
 */
public final class StateDictWriter {
  /** The folder every entry lies in, as torch.save names it for a file without a stem. */
  static final String ARCHIVE = "archive/";

  private StateDictWriter() {}

  /** A tensor to write: its shape and row-major values. */
  public record Values(long[] shape, float[] data) {}

  /** Writes {@code tensors}, in their map order, to {@code file}. */
  public static void write(Path file, Map<String, Values> tensors) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      stored(zip, ARCHIVE + "data.pkl", pickle(tensors));
      stored(zip, ARCHIVE + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      int key = 0;
      for (Values v : tensors.values()) {
        ByteBuffer raw = ByteBuffer.allocate(v.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(v.data());
        stored(zip, ARCHIVE + "data/" + key++, raw.array());
      }
      stored(zip, ARCHIVE + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    entry.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(bytes);
    zip.closeEntry();
  }

  static byte[] pickle(Map<String, Values> tensors) {
    Pickle p = new Pickle();
    p.op(0x80).op(2); // PROTO 2
    p.global("collections", "OrderedDict").op(')').op('R'); // OrderedDict()
    p.op('(');
    int key = 0;
    for (Map.Entry<String, Values> e : tensors.entrySet()) {
      long[] shape = e.getValue().shape();
      long count = 1;
      for (long d : shape) {
        count *= d;
      }
      if (count != e.getValue().data().length) {
        throw new IllegalArgumentException(
            e.getKey() + ": " + e.getValue().data().length + " values for " + count);
      }
      p.text(e.getKey());
      p.global("torch._utils", "_rebuild_tensor_v2");
      p.op('(');
      // the storage: a persistent id ('storage', torch.FloatStorage, key, 'cpu', count)
      p.op('(').text("storage").global("torch", "FloatStorage").text(Integer.toString(key++));
      p.text("cpu").integer(count).op('t').op('Q');
      p.integer(0); // offset
      p.op('(');
      for (long d : shape) {
        p.integer(d);
      }
      p.op('t');
      p.op('(');
      long stride = 1;
      long[] strides = new long[shape.length];
      for (int i = shape.length - 1; i >= 0; i--) {
        strides[i] = stride;
        stride *= shape[i];
      }
      for (long s : strides) {
        p.integer(s);
      }
      p.op('t');
      p.op(0x89); // requires_grad False
      p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
      p.op('t').op('R');
    }
    p.op('u'); // SETITEMS
    p.op('.'); // STOP
    return p.bytes.toByteArray();
  }

  /** Just the opcodes a state dict needs. */
  private static final class Pickle {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Pickle op(int code) {
      bytes.write(code);
      return this;
    }

    Pickle global(String module, String name) {
      op('c');
      bytes.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
      return this;
    }

    Pickle text(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      op('X');
      bytes.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      bytes.writeBytes(utf8);
      return this;
    }

    Pickle integer(long value) {
      if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
        op('J');
        bytes.writeBytes(
            ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
      } else {
        op(0x8a).op(8); // LONG1 of 8 bytes
        bytes.writeBytes(
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
      }
      return this;
    }
  }
}
