/**
 * The embedded reference hypervisor: named hosts, shared block storage made of copy-on-write
 * layered block maps over reference-counted 64 KiB blocks, VMs with tiered 4 KiB page memory (a
 * file-backed swap tier and an off-heap RAM tier), vCPU registers and device state, and a
 * deterministic guest workload driven by one shared scheduler. It implements every step of the
 * hot-clone method literally and exposes inspection methods so tests can check the invariants
 * (consistent cut, no lost write, isolation, unique identity) on every run. Nothing is persisted
 * across JVM restarts: when the JVM stops, its VMs are gone.
 */
package io.hotclone.hypervisor.embedded;
