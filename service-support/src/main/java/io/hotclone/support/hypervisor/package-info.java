/** Builds the hypervisor driver a service uses from its configuration ({@code hotclone.hypervisor.*}). */
package io.hotclone.support.hypervisor;
