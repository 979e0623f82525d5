package io.kiln.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** CPU use and resident memory of another process (the backend), from /proc. */
final class ProcessMeter {
  private static final double TICKS_PER_SECOND = 100.0;
  private final long pid;
  private long ticks;
  private long wall;

  ProcessMeter(long pid) {
    this.pid = pid;
  }

  void start() throws Exception {
    ticks = cpuTicks();
    wall = System.nanoTime();
  }

  /** Average CPU since start, in percent of one core. */
  double cpuPercent() throws Exception {
    double seconds = (System.nanoTime() - wall) / 1e9;
    return (cpuTicks() - ticks) / TICKS_PER_SECOND / seconds * 100;
  }

  long rssMegabytes() throws Exception {
    return status("VmRSS:");
  }

  /** The most resident memory the process has had since it started (the kernel's high mark). */
  long peakRssMegabytes() throws Exception {
    return status("VmHWM:");
  }

  private long status(String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }

  private long cpuTicks() throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
