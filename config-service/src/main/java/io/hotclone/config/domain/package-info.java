/** Pure identity derivation for clones, without Spring. */
package io.hotclone.config.domain;
