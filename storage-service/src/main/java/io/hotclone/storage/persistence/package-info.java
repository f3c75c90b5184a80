/** Storage pointers and frozen bases (schema {@code storage}). */
package io.hotclone.storage.persistence;
