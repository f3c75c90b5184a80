package io.hotclone.events.saga;

/** The services of the clone saga, by the name they run under. */
public enum SagaService {
  CLONE_API("clone-api"),
  STORAGE("storage-service"),
  MEMORY("memory-service"),
  TRANSFER("transfer-service"),
  CONFIG("config-service");

  private final String serviceName;

  SagaService(String serviceName) {
    this.serviceName = serviceName;
  }

  /** The name the service runs under ({@code spring.application.name}, the README's module). */
  public String serviceName() {
    return serviceName;
  }
}
