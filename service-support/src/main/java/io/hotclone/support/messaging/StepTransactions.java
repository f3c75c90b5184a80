package io.hotclone.support.messaging;

/** Runs work in one database transaction: all of it commits, or none of it (an exception rolls back). */
@FunctionalInterface
public interface StepTransactions {
  void run(Runnable work);
}
