/**
 * The {@code hotclone} command line for operators: lists VMs and hosts, requests clones and follows
 * them, shows lineage, deletes VMs — over clone-api's REST API only (never a service's classes),
 * with human-readable or JSON output and documented exit codes ({@link ExitCodes}).
 */
package io.hotclone.cli;
