package io.hotclone.api.web;

import io.hotclone.api.ApiProperties;
import io.hotclone.api.domain.CloneOperation;
import io.hotclone.api.domain.Phase;
import io.hotclone.api.persistence.CloneOperations;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of one operation's phases: one event per phase reached, in saga order (a
 * phase passed between two polls is still sent), named by the phase ({@code REQUESTED}, …, {@code
 * COMPLETED} or {@code FAILED}), with the current operation view as JSON data; the stream completes
 * after the terminal phase. Phase changes are found by polling the database, so any clone-api instance can
 * serve any stream.
 */
@Component
public class CloneEventStreams implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(CloneEventStreams.class);

  private final CloneOperations operations;
  private final Duration pollInterval;
  private final long timeoutMillis;
  private final ScheduledExecutorService poller =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "clone-api-sse");
            t.setDaemon(true);
            return t;
          });

  public CloneEventStreams(CloneOperations operations, ApiProperties properties) {
    this.operations = operations;
    this.pollInterval = properties.ssePollInterval();
    // the watchdog ends every operation within its timeout; leave room for the last event
    this.timeoutMillis = properties.operationTimeout().plusSeconds(30).toMillis();
  }

  public SseEmitter open(UUID cloneId) {
    SseEmitter emitter = new SseEmitter(timeoutMillis);
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Set<Phase> sent = EnumSet.noneOf(Phase.class);
    Runnable stop =
        () -> {
          ScheduledFuture<?> f = task.get();
          if (f != null) {
            f.cancel(false);
          }
        };
    emitter.onCompletion(stop);
    emitter.onTimeout(
        () -> {
          stop.run();
          emitter.complete();
        });
    emitter.onError(e -> stop.run());
    task.set(
        poller.scheduleWithFixedDelay(
            () -> poll(cloneId, emitter, sent, stop), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS));
    return emitter;
  }

  private void poll(UUID cloneId, SseEmitter emitter, Set<Phase> sent, Runnable stop) {
    try {
      Optional<CloneOperation> op = operations.find(cloneId);
      if (op.isEmpty()) {
        stop.run();
        emitter.complete();
        return;
      }
      CloneOperationView view = CloneOperationView.of(op.get());
      for (Phase phase : Phase.values()) {
        boolean reached = phase == op.get().phase() || op.get().progress().reachedAt().containsKey(phase);
        if (reached && sent.add(phase)) {
          emitter.send(
              SseEmitter.event()
                  .id(cloneId + "/" + phase.name())
                  .name(phase.name())
                  .data(view, MediaType.APPLICATION_JSON));
        }
      }
      if (op.get().isTerminal()) {
        stop.run();
        emitter.complete();
      }
    } catch (IOException | IllegalStateException e) {
      // the client went away or the emitter already completed
      stop.run();
    } catch (RuntimeException e) {
      log.warn("SSE stream of clone {} failed: {}", cloneId, e.toString());
      stop.run();
      emitter.completeWithError(e);
    }
  }

  @Override
  public void destroy() {
    poller.shutdownNow();
  }
}
