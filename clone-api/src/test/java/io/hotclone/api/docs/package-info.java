/** Tests that the documents clone-api serves (the AsyncAPI description) agree with the code. */
package io.hotclone.api.docs;
