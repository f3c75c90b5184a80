/** Reconciliation of config-service's identity registry with the VMs the hosts run, without Spring. */
package io.hotclone.config.reconcile;
