/**
 * Labels: a tenant's own {@code key=value} tags on VMs and clone requests ({@link Labels}: the rules
 * and the clone overlay) and the {@code ?label=k=v} filter of the lists ({@link LabelSelector}).
 * Pure; the read model and the clone operations store them as JSON columns, the web layer shows
 * and filters them.
 */
package io.hotclone.api.labels;
