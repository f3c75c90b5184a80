package io.hotclone.api.web;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.persistence.CloneOperations;
import org.springframework.stereotype.Component;

/**
 * Backpressure: a new clone operation is admitted only while fewer than {@code
 * hotclone.api.max-in-flight} operations of all tenants, and fewer than {@code
 * max-in-flight-per-tenant} of its tenant, are in flight (not COMPLETED or FAILED); otherwise 429
 * with {@code Retry-After}. Counted in PostgreSQL under an advisory lock held until the insert
 * commits, so concurrent requests, on any number of clone-api instances, never pass the limits.
 * Call {@link #admit} inside the transaction that inserts the operation.
 */
@Component
public class Admission {

  private final CloneOperations operations;
  private final ApiProperties properties;

  public Admission(CloneOperations operations, ApiProperties properties) {
    this.operations = operations;
    this.properties = properties;
  }

  public void admit(String tenant) {
    operations.lockAdmission();
    long retry = properties.retryAfter().toSeconds();
    int tenantInFlight = operations.countInFlight(tenant);
    if (tenantInFlight >= properties.maxInFlightPerTenant()) {
      throw new Throttled("tenant-too-many-in-flight", "tenant " + tenant + " has " + tenantInFlight
          + " clone operations in flight, the limit is " + properties.maxInFlightPerTenant(), retry);
    }
    int all = operations.countInFlight(null);
    if (all >= properties.maxInFlight()) {
      throw new Throttled("too-many-in-flight",
          all + " clone operations in flight, the limit is " + properties.maxInFlight(), retry);
    }
  }
}
