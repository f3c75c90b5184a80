package io.hotclone.api;

import org.springframework.transaction.support.SimpleTransactionStatus;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/** For tests without a database: a transaction template that runs its callback at once, in no transaction. */
public final class InlineTransactions {

  private InlineTransactions() {}

  public static TransactionTemplate template() {
    return new TransactionTemplate() {
      @Override
      public <T> T execute(TransactionCallback<T> action) {
        return action.doInTransaction(new SimpleTransactionStatus());
      }
    };
  }
}
