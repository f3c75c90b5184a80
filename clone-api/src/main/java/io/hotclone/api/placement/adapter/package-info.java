/**
 * The adapter of placement: reads the hosts' capacity from the hypervisor, their IP pools from
 * config-service's counts and the overcommit ratios from configuration ({@code hotclone.placement}).
 */
package io.hotclone.api.placement.adapter;
