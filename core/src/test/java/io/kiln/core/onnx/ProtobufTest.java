package io.kiln.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The wire format against the examples of the protocol buffers encoding guide. */
class ProtobufTest {
  @Test
  void varintsUseSevenBitGroupsLeastSignificantFirst() {
    assertArrayEquals(
        new byte[] {0x08, (byte) 0x96, 0x01}, new Protobuf().varint(1, 150).toByteArray());
    assertArrayEquals(new byte[] {0x08, 0x00}, new Protobuf().varint(1, 0).toByteArray());
  }

  @Test
  void stringsAndMessagesAreLengthDelimited() {
    assertArrayEquals(
        new byte[] {0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'},
        new Protobuf().string(2, "testing").toByteArray());
    assertArrayEquals(
        new byte[] {0x1a, 0x03, 0x08, (byte) 0x96, 0x01},
        new Protobuf().message(3, new Protobuf().varint(1, 150)).toByteArray());
  }

  @Test
  void floatsAreLittleEndianFixed32() {
    assertArrayEquals(
        new byte[] {0x15, 0x00, 0x00, (byte) 0x80, 0x3f},
        new Protobuf().float32(2, 1.0f).toByteArray());
  }

  @Test
  void aConstantMustMatchItsShape() {
    OnnxGraph graph = new OnnxGraph();
    assertThrows(IllegalArgumentException.class, () -> graph.constant("w", new float[3], 2, 2));
  }
}
