/**
 * config-service: gives each clone its unique identity (name, UUID, MAC, IP, hostname, SMBIOS
 * serial, VM generation id), defines and starts it on the target host (step 6) and records its
 * lineage. Reacts to {@code StorageUnfrozen}.
 */
package io.hotclone.config;
