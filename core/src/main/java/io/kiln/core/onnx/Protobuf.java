package io.kiln.core.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protocol buffers wire format, just what an ONNX file needs: varints, 32-bit floats and
 * length-delimited fields (strings, bytes, nested messages). A message is built bottom-up: a nested
 * message is written to its own {@code Protobuf} and then added whole, since its length comes
 * first.
 */
public final class Protobuf {
  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public Protobuf varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  public Protobuf float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToIntBits(value);
    for (int i = 0; i < 4; i++) {
      out.write((bits >>> (8 * i)) & 0xff);
    }
    return this;
  }

  public Protobuf string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  public Protobuf bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  public Protobuf message(int field, Protobuf message) {
    return bytes(field, message.toByteArray());
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
