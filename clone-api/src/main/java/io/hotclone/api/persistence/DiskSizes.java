package io.hotclone.api.persistence;

import io.hotclone.hypervisor.DiskSize;
import java.util.List;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The JSONB codec of {@code vms.disk_sizes}: {@code [{"device":"vda","bytes":…},…]}. */
final class DiskSizes {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<DiskSize>> LIST = new TypeReference<>() {};

  private DiskSizes() {}

  static String write(List<DiskSize> disks) {
    return JSON.writeValueAsString(disks);
  }

  static List<DiskSize> read(String column) {
    return column == null ? List.of() : JSON.readValue(column, LIST);
  }
}
