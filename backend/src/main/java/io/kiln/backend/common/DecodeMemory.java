package io.kiln.backend.common;

import io.kiln.core.data.DecodeBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The backend's one decode budget (issue 30): dataset uploads, their thumbnails and predictions all
 * decode within it, so no mix of concurrent requests can decode more than {@code
 * kiln.decode-memory} (a quarter of the heap by default). Its free bytes are the gauge {@code
 * kiln_decode_memory_free_bytes}.
 */
@ApplicationScoped
public class DecodeMemory {
  private final DecodeBudget budget;

  DecodeMemory(KilnConfig config, MeterRegistry registry) {
    this.budget =
        new DecodeBudget(
            config
                .decodeMemory()
                .map(MemorySize::asLongValue)
                .orElseGet(DecodeBudget::quarterOfHeap));
    Gauge.builder("kiln.decode.memory.free", budget, DecodeBudget::available)
        .baseUnit("bytes")
        .description("memory left for decoding images")
        .register(registry);
  }

  public DecodeBudget budget() {
    return budget;
  }
}
