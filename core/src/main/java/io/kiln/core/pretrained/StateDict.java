package io.kiln.core.pretrained;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * A PyTorch state dict as {@code torch.save} writes it, read without Python: the zip layout
 * (PyTorch 1.6 and later, torchvision's published weights: {@code <name>/data.pkl} describes the
 * tensors, {@code <name>/data/<key>} holds each storage's raw bytes) and the older single-stream
 * layout (pickles, then every storage as an element count and its raw bytes).
 *
 * <p>Opening reads only the description (bounded to {@value #MAX_DESCRIPTION} bytes), so a file's
 * names and shapes are checked before any weight is read. The pickle reader builds nothing but
 * maps, lists, numbers, strings and Kiln's own tensor records: nothing in the file is executed.
 * Checkpoints that wrap the weights ({@code {"state_dict": ...}}, {@code {"model": ...}}) and names
 * prefixed by {@code module.} (as a data-parallel network saves them) are unwrapped.
 */
public final class StateDict implements Closeable {
  /** The most description (pickle) bytes read: a ResNet-50's is about 30 KB. */
  static final int MAX_DESCRIPTION = 16 << 20;

  /** The file is not a state dict Kiln can read; the message says why. */
  public static final class NotAStateDictException extends IOException {
    public NotAStateDictException(String message) {
      super(message);
    }
  }

  /** A tensor's element type as stored, with its size in bytes. */
  public enum DataType {
    FLOAT32(4),
    FLOAT64(8),
    FLOAT16(2),
    BFLOAT16(2),
    INT64(8),
    INT32(4),
    INT16(2),
    INT8(1),
    UINT8(1),
    BOOL(1);

    final int bytes;

    DataType(int bytes) {
      this.bytes = bytes;
    }

    boolean floating() {
      return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }
  }

  /**
   * One tensor: its storage and where in it the values lie.
   *
   * @param offset the first element's index in the storage
   */
  public record Tensor(
      String name, DataType type, long[] shape, long[] stride, long offset, String storage) {
    public long count() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    boolean contiguous() {
      long expected = 1;
      for (int i = shape.length - 1; i >= 0; i--) {
        if (shape[i] != 1 && stride[i] != expected) {
          return false;
        }
        expected *= shape[i];
      }
      return true;
    }
  }

  private final Path file;
  private final ZipFile zip;
  private final String prefix;
  private final Map<String, Long> legacyOffsets;
  private final Map<String, Tensor> tensors;

  private StateDict(
      Path file,
      ZipFile zip,
      String prefix,
      Map<String, Long> legacyOffsets,
      Map<String, Tensor> tensors) {
    this.file = file;
    this.zip = zip;
    this.prefix = prefix;
    this.legacyOffsets = legacyOffsets;
    this.tensors = tensors;
  }

  /**
   * Opens a state dict file and reads its description.
   *
   * @throws NotAStateDictException when it is not one, naming what is wrong
   */
  public static StateDict open(Path file) throws IOException {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 4) {
        throw new NotAStateDictException("the file is too short to be PyTorch weights");
      }
    }
    if (head[0] == 'P' && head[1] == 'K') {
      return openZip(file);
    }
    if ((head[0] & 0xff) == Opcodes.PROTO) {
      return openLegacy(file);
    }
    throw new NotAStateDictException(
        "the file is not PyTorch weights saved with torch.save (neither its zip nor its older"
            + " layout)");
  }

  /** The tensors by name, in no particular order. */
  public Map<String, Tensor> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  /** Every tensor's shape by name: what a layout check needs. */
  public Map<String, long[]> shapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    tensors.forEach((name, t) -> shapes.put(name, t.shape()));
    return shapes;
  }

  /** A floating-point tensor's values as float32, row-major. */
  public float[] floats(String name) throws IOException {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new NotAStateDictException("the weights have no tensor '" + name + "'");
    }
    if (!t.type().floating()) {
      throw new NotAStateDictException(
          "tensor '" + name + "' holds " + t.type() + " values, not floating-point weights");
    }
    if (!t.contiguous()) {
      throw new NotAStateDictException("tensor '" + name + "' is not stored contiguously");
    }
    long count = t.count();
    if (count > Integer.MAX_VALUE / 8) {
      throw new NotAStateDictException("tensor '" + name + "' is too large");
    }
    ByteBuffer bytes = read(t.storage(), t.offset() * t.type().bytes, count * t.type().bytes);
    bytes.order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) count];
    switch (t.type()) {
      case FLOAT32 -> bytes.asFloatBuffer().get(out);
      case FLOAT64 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = (float) bytes.getDouble();
        }
      }
      case FLOAT16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = halfToFloat(bytes.getShort());
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
        }
      }
      default -> throw new IllegalStateException(t.type().name());
    }
    return out;
  }

  private ByteBuffer read(String storage, long start, long length) throws IOException {
    if (zip != null) {
      ZipEntry entry = zip.getEntry(prefix + "data/" + storage);
      if (entry == null) {
        throw new NotAStateDictException("the weights lack their storage '" + storage + "'");
      }
      if (entry.getSize() >= 0 && start + length > entry.getSize()) {
        throw new NotAStateDictException(
            "storage '" + storage + "' is shorter than its tensors say");
      }
      try (InputStream in = zip.getInputStream(entry)) {
        in.skipNBytes(start);
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
          throw new NotAStateDictException("storage '" + storage + "' ends early");
        }
        return ByteBuffer.wrap(bytes);
      }
    }
    Long at = legacyOffsets.get(storage);
    if (at == null) {
      throw new NotAStateDictException("the weights lack their storage '" + storage + "'");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) length);
      long position = at + start;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          throw new NotAStateDictException("storage '" + storage + "' ends early");
        }
        position += n;
      }
      return buffer.flip();
    }
  }

  @Override
  public void close() throws IOException {
    if (zip != null) {
      zip.close();
    }
  }

  private static StateDict openZip(Path file) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (IOException e) {
      throw new NotAStateDictException("the file is not a readable zip: " + e.getMessage());
    }
    try {
      ZipEntry description =
          Collections.list(zip.entries()).stream()
              .filter(e -> e.getName().endsWith("data.pkl"))
              .filter(e -> e.getName().indexOf('/') == e.getName().lastIndexOf('/'))
              .findFirst()
              .orElseThrow(
                  () ->
                      new NotAStateDictException(
                          "the zip holds no data.pkl: it is not PyTorch weights"));
      if (description.getSize() > MAX_DESCRIPTION) {
        throw new NotAStateDictException("its description (data.pkl) is larger than 16 MB");
      }
      byte[] pickle;
      try (InputStream in = zip.getInputStream(description)) {
        pickle = in.readNBytes(MAX_DESCRIPTION + 1);
      }
      if (pickle.length > MAX_DESCRIPTION) {
        throw new NotAStateDictException("its description (data.pkl) is larger than 16 MB");
      }
      String name = description.getName();
      String prefix = name.substring(0, name.length() - "data.pkl".length());
      Object root = new TorchUnpickler(pickle).next();
      return new StateDict(file, zip, prefix, Map.of(), tensorsOf(root));
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  /**
   * The layout before PyTorch 1.6: five pickles (magic number, protocol, system info, the object,
   * the storage keys), then each storage as its element count (int64) and raw bytes, in key order.
   */
  private static StateDict openLegacy(Path file) throws IOException {
    long size = Files.size(file);
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes((int) Math.min(size, MAX_DESCRIPTION));
    }
    TorchUnpickler pickles = new TorchUnpickler(head);
    Object magic = pickles.next();
    if (!(magic instanceof Number || magic instanceof java.math.BigInteger)
        || !"119547037146038801333356".equals(magic.toString())) {
      throw new NotAStateDictException(
          "the file is a Python pickle but not PyTorch weights (no torch.save magic number)");
    }
    pickles.next(); // protocol version
    pickles.next(); // system info: byte order and sizes
    Object root = pickles.next();
    Object keys = pickles.next();
    if (!(keys instanceof List<?> keyList)) {
      throw new NotAStateDictException("the weights do not list their storages");
    }
    long position = pickles.consumed();
    Map<String, Long> offsets = new HashMap<>();
    Map<String, DataType> types = pickles.storageTypes;
    for (Object key : keyList) {
      String k = String.valueOf(key);
      if (position + 8 > size) {
        throw new NotAStateDictException("the weights end before storage '" + k + "'");
      }
      long count = readLong(file, position);
      DataType type = types.getOrDefault(k, DataType.FLOAT32);
      offsets.put(k, position + 8);
      position += 8 + count * type.bytes;
      if (count < 0 || position > size) {
        throw new NotAStateDictException("storage '" + k + "' runs past the end of the file");
      }
    }
    return new StateDict(file, null, null, offsets, tensorsOf(root));
  }

  private static long readLong(Path file, long at) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (channel.read(b, at + b.position()) < 0) {
          throw new NotAStateDictException("the weights end early");
        }
      }
      return b.flip().getLong();
    }
  }

  /** The tensors of a state dict, or of the state dict a checkpoint wraps. */
  private static Map<String, Tensor> tensorsOf(Object root) throws NotAStateDictException {
    Map<?, ?> dict = root instanceof Map<?, ?> m ? m : null;
    if (dict != null && !holdsTensors(dict)) {
      for (String wrapper : List.of("state_dict", "model_state_dict", "model", "net")) {
        if (dict.get(wrapper) instanceof Map<?, ?> inner && holdsTensors(inner)) {
          dict = inner;
          break;
        }
      }
    }
    if (dict == null || !holdsTensors(dict)) {
      throw new NotAStateDictException(
          "the file holds no tensors by name: save the network's state_dict(), not the network"
              + " or another object");
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    boolean allPrefixed =
        dict.entrySet().stream()
            .filter(e -> e.getValue() instanceof TensorRef)
            .allMatch(e -> String.valueOf(e.getKey()).startsWith("module."));
    for (Map.Entry<?, ?> e : dict.entrySet()) {
      if (e.getValue() instanceof TensorRef ref) {
        String name = String.valueOf(e.getKey());
        if (allPrefixed) {
          name = name.substring("module.".length());
        }
        tensors.put(
            name,
            new Tensor(name, ref.storage.type, ref.shape, ref.stride, ref.offset, ref.storage.key));
      }
    }
    return tensors;
  }

  private static boolean holdsTensors(Map<?, ?> dict) {
    return !dict.isEmpty() && dict.values().stream().anyMatch(v -> v instanceof TensorRef);
  }

  /** IEEE 754 half precision to float (subnormals, infinities and NaN included). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float value = mantissa / 1024f / 16384f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  // ---- the pickle side: torch's persistent storages and tensor rebuilds ----

  private record StorageRef(String key, DataType type) {}

  private record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {}

  /** The storage classes torch.save names, standing for their element type. */
  private record StorageType(DataType type) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("a storage type is not called in a state dict");
    }
  }

  /** What the pickle builds for an OrderedDict: a map that ignores the state torch attaches. */
  public static final class PickledDict extends LinkedHashMap<Object, Object> {
    public void __setstate__(HashMap<?, ?> state) {
      // the _metadata (module versions) of a state dict: nothing Kiln needs
    }
  }

  static {
    Map<String, DataType> storages =
        Map.of(
            "FloatStorage", DataType.FLOAT32,
            "DoubleStorage", DataType.FLOAT64,
            "HalfStorage", DataType.FLOAT16,
            "BFloat16Storage", DataType.BFLOAT16,
            "LongStorage", DataType.INT64,
            "IntStorage", DataType.INT32,
            "ShortStorage", DataType.INT16,
            "CharStorage", DataType.INT8,
            "ByteStorage", DataType.UINT8,
            "BoolStorage", DataType.BOOL);
    storages.forEach(
        (name, type) -> Unpickler.registerConstructor("torch", name, new StorageType(type)));
    Unpickler.registerConstructor("collections", "OrderedDict", args -> new PickledDict());
    IObjectConstructor rebuild =
        args -> {
          if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
            throw new PickleException("a tensor without its storage");
          }
          return new TensorRef(storage, number(args[1]), longs(args[2]), longs(args[3]));
        };
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", rebuild);
    Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", rebuild);
    Unpickler.registerConstructor(
        "torch._utils",
        "_rebuild_parameter",
        args -> {
          if (args.length < 1 || !(args[0] instanceof TensorRef t)) {
            throw new PickleException("a parameter without its tensor");
          }
          return t;
        });
  }

  private static long number(Object o) {
    if (o instanceof Number n) {
      return n.longValue();
    }
    throw new PickleException("expected a number, found " + o);
  }

  private static long[] longs(Object o) {
    if (o instanceof Object[] items) {
      return Arrays.stream(items).mapToLong(StateDict::number).toArray();
    }
    if (o instanceof List<?> items) {
      return items.stream().mapToLong(StateDict::number).toArray();
    }
    throw new PickleException("expected a tuple of numbers, found " + o);
  }

  /**
   * Reads consecutive pickles from bytes in memory, resolving torch's storage references and
   * refusing a length that runs past the bytes before anything is allocated for it.
   */
  private static final class TorchUnpickler extends Unpickler {
    private final ByteArrayInputStream bytes;
    private final int total;
    final Map<String, DataType> storageTypes = new HashMap<>();

    TorchUnpickler(byte[] data) {
      this.bytes = new ByteArrayInputStream(data);
      this.total = data.length;
    }

    Object next() throws NotAStateDictException {
      try {
        memo.clear();
        return load(bytes);
      } catch (PickleException | IOException | ClassCastException | IndexOutOfBoundsException e) {
        throw new NotAStateDictException(
            "the weights' description cannot be read (" + e.getMessage() + ")");
      }
    }

    long consumed() {
      return total - bytes.available();
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
      int lengthBytes =
          switch (key) {
            case Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.LONG4, Opcodes.BINBYTES -> 4;
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8, Opcodes.FRAME -> 8;
            default -> 0;
          };
      if (lengthBytes > 0) {
        bytes.mark(8);
        byte[] raw = bytes.readNBytes(lengthBytes);
        bytes.reset();
        long length = 0;
        for (int i = raw.length - 1; i >= 0; i--) {
          length = (length << 8) | (raw[i] & 0xff);
        }
        if (raw.length < lengthBytes || length < 0 || length > bytes.available()) {
          throw new PickleException("a value's length runs past the end of the data");
        }
      }
      return super.dispatch(key);
    }

    @Override
    protected Object persistentLoad(Object pid) {
      if (!(pid instanceof Object[] id) || id.length < 5 || !"storage".equals(id[0])) {
        throw new PickleException("an unknown persistent reference");
      }
      if (!(id[1] instanceof StorageType type)) {
        throw new PickleException("a storage of an unknown type");
      }
      String key = String.valueOf(id[2]);
      storageTypes.put(key, type.type());
      return new StorageRef(key, type.type());
    }
  }
}
