/** The copy step of the saga and the transfers record. */
package io.hotclone.transfer.messaging;
