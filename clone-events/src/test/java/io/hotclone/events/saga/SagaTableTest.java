package io.hotclone.events.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotclone.events.CloneCompleted;
import io.hotclone.events.CloneEvent;
import io.hotclone.events.CloneFailed;
import io.hotclone.events.CloneRequested;
import io.hotclone.events.StorageFrozen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SagaTableTest {

  @Test
  void theTableIsOnePathFromTheRequestToTheCompletion() {
    List<SagaStep> path = SagaTable.path();
    assertThat(path.get(0).on()).as("the first step starts from REST").isEmpty();
    assertThat(path.get(0).emits()).isEqualTo(CloneRequested.class);
    assertThat(path.get(path.size() - 1).emits()).isEqualTo(CloneCompleted.class);
    Set<Class<? extends CloneEvent>> emitted = new HashSet<>();
    for (int i = 1; i < path.size(); i++) {
      assertThat(path.get(i).on()).as("%s reacts to what %s emits", path.get(i), path.get(i - 1)).contains(path.get(i - 1).emits());
    }
    for (SagaStep s : path) {
      assertThat(emitted.add(s.emits())).as("%s emits an event no other step emits", s).isTrue();
      assertThat(s.emits()).as("no step emits the failure: it is not a step of the path").isNotEqualTo(CloneFailed.class);
    }
  }

  @Test
  void aServiceRunsAtMostOneStepPerEventType() {
    for (SagaService service : SagaService.values()) {
      Set<Class<? extends CloneEvent>> triggers = new HashSet<>();
      for (SagaStep s : SagaTable.rowsOf(service)) {
        s.on().ifPresent(t -> assertThat(triggers.add(t)).as("%s reacts to %s once", service, t.getSimpleName()).isTrue());
      }
    }
    assertThat(SagaTable.stepOn(SagaService.MEMORY, StorageFrozen.class)).contains(SagaStep.FREEZE_MEMORY);
    assertThat(SagaTable.stepOn(SagaService.STORAGE, StorageFrozen.class)).isEmpty();
  }

  @Test
  void wireNamesAreUniqueAndFound() {
    Set<String> names = new HashSet<>();
    for (SagaStep s : SagaStep.values()) {
      assertThat(names.add(s.wireName())).as("wire name %s once", s.wireName()).isTrue();
      assertThat(SagaStep.ofWireName(s.wireName())).contains(s);
    }
    assertThat(SagaStep.ofWireName("configure")).as("the name that drifted from configure-clone").isEmpty();
  }

  @Test
  void everyServiceThatHoldsSomethingCompensatesAndClonApiDoesNot() {
    assertThat(SagaTable.compensators())
        .containsExactlyInAnyOrder(SagaService.STORAGE, SagaService.MEMORY, SagaService.TRANSFER, SagaService.CONFIG);
  }

  /**
   * The README's flow diagram passes the saga's events in the table's order: the event types, in
   * the order the diagram first names them, are the events the steps react to, in path order.
   */
  @Test
  void theReadmeFlowDiagramPassesTheEventsInTheTablesOrder() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int architecture = readme.indexOf("## Architecture");
    int start = readme.indexOf("```", architecture);
    String diagram = readme.substring(start + 3, readme.indexOf("```", start + 3));
    List<String> expected = SagaTable.path().stream()
        .flatMap(s -> s.on().stream())
        .map(io.hotclone.events.EventTypes::typeOf)
        .toList();
    List<String> named = new ArrayList<>();
    Matcher m = Pattern.compile("\\b(" + String.join("|", expected) + ")\\b").matcher(diagram);
    while (m.find()) {
      if (!named.contains(m.group(1))) {
        named.add(m.group(1));
      }
    }
    assertThat(named).as("event types in the diagram, in order of first mention").isEqualTo(expected);
  }

  /** The README's architecture table says, per module, what the saga table says. */
  @Test
  void theReadmeArchitectureTableSaysWhatTheSagaTableSays() throws IOException {
    Path readme = Path.of("..", "README.md");
    Pattern row = Pattern.compile("^\\| `([a-z-]+)` \\|[^|]*\\| (.*) \\|$");
    Pattern pair = Pattern.compile("(REST|`(\\w+)`) → `(\\w+)`");
    Map<String, List<String>> readmePairs = new TreeMap<>();
    Set<String> compensating = new java.util.TreeSet<>();
    boolean inArchitecture = false;
    for (String line : Files.readAllLines(readme)) {
      if (line.startsWith("## ")) {
        inArchitecture = line.equals("## Architecture"); // the table of that section only
      }
      Matcher m = row.matcher(line);
      if (!inArchitecture) {
        continue;
      }
      if (m.matches()) {
        if (m.group(2).contains("`CloneFailed` → ")) {
          compensating.add(m.group(1));
        }
        List<String> pairs = new ArrayList<>();
        Matcher p = pair.matcher(m.group(2));
        while (p.find()) {
          pairs.add((p.group(2) == null ? "REST" : p.group(2)) + "→" + p.group(3));
        }
        readmePairs.put(m.group(1), pairs);
      }
    }
    Map<String, List<String>> tablePairs = new TreeMap<>();
    for (SagaService service : SagaService.values()) {
      List<String> pairs = new ArrayList<>();
      Matcher p = pair.matcher(SagaTable.reactions(service));
      while (p.find()) {
        pairs.add((p.group(2) == null ? "REST" : p.group(2)) + "→" + p.group(3));
      }
      tablePairs.put(service.serviceName(), pairs);
    }
    assertThat(readmePairs).as("README architecture table (module → its 'A → B' pairs)").isEqualTo(tablePairs);
    Set<String> failureReaders = new java.util.TreeSet<>(List.of(SagaService.CLONE_API.serviceName()));
    SagaTable.compensators().forEach(c -> failureReaders.add(c.serviceName()));
    assertThat(compensating).as("modules whose README row says what they do on CloneFailed").isEqualTo(failureReaders);
  }
}
