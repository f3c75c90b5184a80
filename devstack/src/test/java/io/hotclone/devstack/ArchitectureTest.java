package io.hotclone.devstack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Services never depend on each other: each may use {@code clone-events}, {@code hypervisor} and the
 * infrastructure of {@code service-support}, and nothing of another service. Shared modules never
 * depend on a service; the hypervisor and the contracts never depend on Spring.
 */
class ArchitectureTest {

  private static final List<String> SERVICES =
      List.of("io.hotclone.api", "io.hotclone.storage", "io.hotclone.memory", "io.hotclone.transfer", "io.hotclone.config");

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.hotclone");

  @Test
  void servicesDoNotDependOnEachOther() {
    for (String service : SERVICES) {
      String[] others = SERVICES.stream().filter(s -> !s.equals(service)).map(s -> s + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage(service + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .check(classes);
    }
  }

  @Test
  void sharedModulesDoNotDependOnServices() {
    String[] services = SERVICES.stream().map(s -> s + "..").toArray(String[]::new);
    noClasses().that().resideInAnyPackage("io.hotclone.events..", "io.hotclone.hypervisor..", "io.hotclone.support..")
        .should().dependOnClassesThat().resideInAnyPackage(services)
        .check(classes);
  }

  @Test
  void theCliTalksToTheApiOverHttpOnly() {
    noClasses().that().resideInAPackage("io.hotclone.cli..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.hotclone.api..", "io.hotclone.storage..", "io.hotclone.memory..", "io.hotclone.transfer..",
            "io.hotclone.config..", "io.hotclone.support..", "io.hotclone.events..", "io.hotclone.hypervisor..",
            "org.springframework..")
        .check(classes);
  }

  @Test
  void theWebhooksCoreIsFreeOfSpringAndOfItsAdapters() {
    noClasses().that().resideInAPackage("io.hotclone.api.webhooks")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..",
            "io.hotclone.api.webhooks.web..", "io.hotclone.api.webhooks.persistence..", "io.hotclone.api.webhooks.delivery..")
        .check(classes);
  }

  @Test
  void nothingOutsideWebhooksDependsOnIt() {
    // the rest of clone-api offers webhooks a listener (PublicEvents.Listener) and knows nothing of them
    noClasses().that().resideInAPackage("io.hotclone.api..").and().resideOutsideOfPackage("io.hotclone.api.webhooks..")
        .should().dependOnClassesThat().resideInAPackage("io.hotclone.api.webhooks..")
        .check(classes);
  }

  @Test
  void thePlacementCoreIsFreeOfSpringAndOfItsAdapter() {
    noClasses().that().resideInAPackage("io.hotclone.api.placement")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.hotclone.hypervisor..",
            "io.hotclone.api.placement.adapter..")
        .check(classes);
  }

  @Test
  void thePoolsCoreIsFreeOfSpringAndOfItsAdapters() {
    noClasses().that().resideInAPackage("io.hotclone.api.pools")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..",
            "io.hotclone.api.pools.web..", "io.hotclone.api.pools.persistence..", "io.hotclone.api.pools.run..",
            "io.hotclone.api.pools.events..")
        .check(classes);
  }

  @Test
  void nothingOutsidePoolsDependsOnIt() {
    // the rest of clone-api offers pools a listener (OperationEnds) and knows nothing of them
    noClasses().that().resideInAPackage("io.hotclone.api..").and().resideOutsideOfPackage("io.hotclone.api.pools..")
        .should().dependOnClassesThat().resideInAPackage("io.hotclone.api.pools..")
        .check(classes);
  }

  @Test
  void contractsAndHypervisorAreFreeOfSpring() {
    noClasses().that().resideInAnyPackage("io.hotclone.events..", "io.hotclone.hypervisor..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
        .check(classes);
  }
}
