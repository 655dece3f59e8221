/* The loader table: one line per file format, dispatched by phase then path (see st_walk). */
#include "stacktune/loaders.h"

const struct st_loader st_loaders[] = {
	{.name = "dotenv", .phase = ST_PHASE_ENV, .match = st_dotenv_match, .load = st_dotenv_load},
	{.name = "compose", .phase = ST_PHASE_TOPOLOGY, .match = st_compose_match, .load = st_compose_load},
	{.name = "stconfig", .phase = ST_PHASE_TOPOLOGY, .match = st_stconfig_match, .load = st_stconfig_load},
	{.name = "pgconf", .phase = ST_PHASE_SERVER, .match = st_pgconf_match, .load = st_pgconf_load},
	{.name = "mycnf", .phase = ST_PHASE_SERVER, .match = st_mycnf_match, .load = st_mycnf_load},
	{.name = "pgbouncer", .phase = ST_PHASE_SERVER, .match = st_pgbouncer_match, .load = st_pgbouncer_load},
	{.name = "pysettings", .phase = ST_PHASE_APP, .match = st_pysettings_match, .load = st_pysettings_load},
	{.name = "procserver", .phase = ST_PHASE_APP, .match = st_procserver_match, .load = st_procserver_load},
	{.name = "goscan", .phase = ST_PHASE_APP, .match = st_goscan_match, .load = st_goscan_load},
	{.name = "jsscan", .phase = ST_PHASE_APP, .match = st_jsscan_match, .load = st_jsscan_load},
	{.name = "prisma", .phase = ST_PHASE_APP, .match = st_prisma_match, .load = st_prisma_load},
	{.name = "ports", .phase = ST_PHASE_APP, .match = st_ports_match, .load = st_ports_load},
	{.name = "envindex", .phase = ST_PHASE_APP, .match = st_envindex_match, .load = st_envindex_load},
};
const size_t st_loaders_count = sizeof st_loaders / sizeof st_loaders[0];
