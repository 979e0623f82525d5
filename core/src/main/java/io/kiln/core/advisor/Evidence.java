package io.kiln.core.advisor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers a curve rule read, with how sure each is: an epoch's accuracies, and the validation
 * split's size and interval where it is known ("validation 95.6 % +/- 4.3 on 90 images").
 */
final class Evidence {
  private final Map<String, Object> values = new LinkedHashMap<>();

  private Evidence() {}

  static Evidence of(EpochPoint p, RunContext c) {
    Evidence e = new Evidence();
    e.put("epoch", p.epoch()).put("trainAccuracy", p.trainAccuracy());
    if (p.fitMeasured()) {
      e.put("fitAccuracy", p.fitAccuracy());
    }
    e.put("valAccuracy", p.valAccuracy());
    return e.validation(p.valAccuracy(), c);
  }

  static Evidence empty() {
    return new Evidence();
  }

  /** The validation split's size and the interval of an accuracy measured on it. */
  Evidence validation(double accuracy, RunContext c) {
    if (c.validationImages() > 0) {
      put("valImages", c.validationImages()).put("valPlusMinus", c.valHalfWidth(accuracy));
    }
    return this;
  }

  Evidence put(String name, Object value) {
    values.put(name, value);
    return this;
  }

  Map<String, Object> build() {
    return values;
  }
}
