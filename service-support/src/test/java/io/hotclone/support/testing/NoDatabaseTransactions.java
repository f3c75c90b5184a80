package io.hotclone.support.testing;

import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's transaction lifecycle without a database: synchronizations are registered and run
 * ({@code afterCommit} on commit only), nothing is stored.
 */
public final class NoDatabaseTransactions extends AbstractPlatformTransactionManager {

  public static TransactionTemplate template() {
    return new TransactionTemplate(new NoDatabaseTransactions());
  }

  @Override
  protected Object doGetTransaction() {
    return new Object();
  }

  @Override
  protected void doBegin(Object transaction, TransactionDefinition definition) {}

  @Override
  protected void doCommit(DefaultTransactionStatus status) {}

  @Override
  protected void doRollback(DefaultTransactionStatus status) {}
}
