package io.hotclone.api.messaging;

import io.hotclone.api.domain.CloneOperation;
import java.time.Instant;

/**
 * Told of every clone operation that ended ({@code COMPLETED} or {@code FAILED}), in the
 * transaction that records the end (after its clones are in the VM read model), so what a listener
 * writes commits with it. Capabilities built on clone operations (warm pools) implement it; this
 * package knows nothing of them.
 */
public interface OperationEnds {

  void ended(CloneOperation op, Instant at);
}
