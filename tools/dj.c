/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dj.c - the front door of the `dj` tool: global options, the configuration
 * they override, the command table, help and version, and `dj config`.
 *
 * A run is: parse the global options (before the command), find the command,
 * take its arguments, build the configuration (DataJoint's files and
 * environment, then the options, which win), connect if the command needs
 * the server, run it, and wipe the password before exiting.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION DJ_VERSION_STRING
#endif

/* ---- global options ---- */

typedef enum option_action {
    SET_KEY,         /* sets the configuration key to the value ("true" for a switch) */
    PROMPT_PASSWORD, /* -p */
    BE_QUIET,        /* -q */
    STRICT_CONFIG,   /* --strict-config */
    SHOW_HELP,
    SHOW_VERSION
} option_action;

/* The pointers first and the small fields last and narrow: no padding between. */
typedef struct global_option {
    const char *long_name;
    const char *key;       /* for SET_KEY */
    char short_name;       /* 0: long form only */
    uint8_t takes_value;
    uint8_t action;        /* option_action */
} global_option;

static const global_option global_options[] = {
    {"host", "database.host", 'h', 1, SET_KEY},
    {"port", "database.port", 'P', 1, SET_KEY},
    {"user", "database.user", 'u', 1, SET_KEY},
    {"socket", "database.unix_socket", 'S', 1, SET_KEY},
    {"database", "database.database", 'D', 1, SET_KEY},
    {"tls", "database.use_tls", 0, 1, SET_KEY},
    {"ca", "database.tls_ca", 0, 1, SET_KEY},
    {"capath", "database.tls_capath", 0, 1, SET_KEY},
    {"cert", "database.tls_cert", 0, 1, SET_KEY},
    {"key", "database.tls_key", 0, 1, SET_KEY},
    {"connect-timeout", "database.connect_timeout", 0, 1, SET_KEY},
    {"read-timeout", "database.read_timeout", 0, 1, SET_KEY},
    {"compress", "database.compress", 0, 0, SET_KEY},
    {"strict-config", NULL, 0, 0, STRICT_CONFIG},
    {"password", NULL, 'p', 0, PROMPT_PASSWORD},
    {"quiet", NULL, 'q', 0, BE_QUIET},
    {"help", NULL, '?', 0, SHOW_HELP},
    {"version", NULL, 'V', 0, SHOW_VERSION},
};

#define GLOBAL_OPTION_COUNT (sizeof global_options / sizeof global_options[0])

/* What the global options asked for; values are borrowed from argv. */
typedef struct invocation {
    const char *values[GLOBAL_OPTION_COUNT]; /* the last value given for each SET_KEY option */
    int prompt_password;
    int quiet;
    int strict_config;
    option_action show; /* SHOW_HELP or SHOW_VERSION when asked, else SET_KEY */
    int next;           /* index of the first argument after the global options */
} invocation;

/* Records one option (value is NULL for switches). */
static void take_option(const global_option *o, const char *value, invocation *inv)
{
    switch (o->action) {
    case SET_KEY:
        inv->values[o - global_options] = value ? value : "true";
        break;
    case PROMPT_PASSWORD:
        inv->prompt_password = 1;
        break;
    case BE_QUIET:
        inv->quiet = 1;
        break;
    case STRICT_CONFIG:
        inv->strict_config = 1;
        break;
    case SHOW_HELP:
    case SHOW_VERSION:
        inv->show = (option_action)o->action;
        break;
    }
}

static const global_option *find_long(const char *name, size_t len)
{
    for (size_t i = 0; i < GLOBAL_OPTION_COUNT; i++)
        if (strlen(global_options[i].long_name) == len &&
            strncmp(global_options[i].long_name, name, len) == 0)
            return &global_options[i];
    return NULL;
}

static const global_option *find_short(char c)
{
    for (size_t i = 0; i < GLOBAL_OPTION_COUNT; i++)
        if (global_options[i].short_name == c)
            return &global_options[i];
    return NULL;
}

static int missing_value(const global_option *o, int is_short)
{
    if (is_short && o->short_name == 'h')
        return dj__cli_usage_error(NULL, "option -h needs a host name (-h is --host; for help "
                                         "use --help)");
    if (is_short)
        return dj__cli_usage_error(NULL, "option -%c needs a value", o->short_name);
    return dj__cli_usage_error(NULL, "option --%s needs a value", o->long_name);
}

/* "--name=value", "--name value" or "--switch"; *i moves past a separate value. */
static int parse_long(int argc, char **argv, int *i, invocation *inv)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const global_option *o = find_long(name, len);
    if (!o)
        return dj__cli_usage_error(NULL, "unknown option '--%.*s'", (int)len, name);
    const char *value = NULL;
    if (o->takes_value) {
        if (eq)
            value = eq + 1;
        else if (*i + 1 < argc)
            value = argv[++*i];
        else
            return missing_value(o, 0);
    } else if (eq) {
        return dj__cli_usage_error(NULL, "option --%s takes no value", o->long_name);
    }
    take_option(o, value, inv);
    return DJ__CLI_OK;
}

/* "-q", "-qp", "-hHOST", "-h HOST", "-P3306"; *i moves past a separate value. */
static int parse_short(int argc, char **argv, int *i, invocation *inv)
{
    for (const char *p = argv[*i] + 1; *p; p++) {
        const global_option *o = find_short(*p);
        if (!o)
            return dj__cli_usage_error(NULL, "unknown option '-%c'", *p);
        if (o->action == PROMPT_PASSWORD && p[1] != '\0')
            return dj__cli_usage_error(
                NULL,
                "-p takes no value: it asks for the password on the terminal (passwords on "
                "the command line are visible to other users; use DJ_PASS or a config file)");
        if (!o->takes_value) {
            take_option(o, NULL, inv);
            continue;
        }
        if (p[1] != '\0')
            take_option(o, p + 1, inv);
        else if (*i + 1 < argc)
            take_option(o, argv[++*i], inv);
        else
            return missing_value(o, 1);
        break;
    }
    return DJ__CLI_OK;
}

/* Reads the options before the command. Stops at the first non-option, at
 * "--", or at --help/--version. */
static int parse_global_options(int argc, char **argv, invocation *inv)
{
    memset(inv, 0, sizeof *inv);
    inv->show = SET_KEY;
    int i;
    for (i = 1; i < argc && inv->show == SET_KEY; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        int rc = a[1] == '-' ? parse_long(argc, argv, &i, inv) : parse_short(argc, argv, &i, inv);
        if (rc)
            return rc;
    }
    inv->next = i;
    return DJ__CLI_OK;
}

/* ---- commands ---- */

static int show_config(dj__cli *cli, const dj__cli_args *args);

typedef int (*command_fn)(dj__cli *cli, const dj__cli_args *args);

/* The pointers first and the counts last and narrow: no padding between. */
typedef struct command {
    const char *words;       /* "schema create" */
    const char *arguments;   /* for usage messages */
    const char *flag_names;  /* its switches, packed ("--a\0--b\0"), or NULL */
    command_fn run;
    const char *value_names; /* its options that take a value, packed, or NULL */
    const char *about;       /* what it does, for `dj COMMAND --help` */
    uint8_t positionals;     /* how many arguments it takes */
    uint8_t needs_server;
} command;

/* The order of each command's flag_names and value_names is the order of
 * args->flag[] and args->value[] that the command reads. */
static const command commands[] = {
    {"schema create", "NAME [--strict-names]", "--strict-names\0", dj__cli_schema_create, NULL,
     "create a schema; prints created or already exists (--strict-names:\n"
     "the name must match ^[a-z][a-z0-9_-]*$)", 1, 1},
    {"schema exists", "NAME", NULL, dj__cli_schema_exists, NULL,
     "prints yes or no; exit status 0 or 1", 1, 1},
    {"schema list", "[--header] [--format F]", "--header\0", dj__cli_schema_list, "--format\0",
     "schema names, one per line", 0, 1},
    {"schema tables", "NAME [--header] [--format F]", "--header\0", dj__cli_schema_tables,
     "--format\0", "table name, tier and class name, tab-separated, one per line", 1, 1},
    {"schema drop", "NAME [--force]", "--force\0", dj__cli_schema_drop, NULL,
     "drop a schema; while safemode is on, asks first unless --force\n"
     "(the answer is read from stdin)", 1, 1},
    {"ping", "", NULL, dj__cli_ping, NULL, "check that the server answers", 0, 1},
    {"query", "SQL|- [--header] [--format F] [--multi]", "--header\0--multi\0", dj__cli_query,
     "--format\0",
     "run one statement; rows are tab-separated and escaped as mysql\n"
     "--batch does, NULL is \\N; an SQL of - is read from stdin; more\n"
     "than one statement is refused unless --multi", 1, 1},
    {"config", "", NULL, show_config, NULL,
     "show the effective configuration (the password masked)", 0, 0},
    {"table declare", "SCHEMA CLASS --definition FILE [--tier TIER] [--dry-run]", "--dry-run\0",
     dj__cli_table_declare, "--definition\0--tier\0",
     "declare a table from a DataJoint definition (FILE, or - for stdin)\n"
     "unless it exists; TIER is manual (default), lookup, imported,\n"
     "computed or part (CLASS written Master.Part); parents (-> Parent)\n"
     "are found among the schema's tables or as other_schema.Parent;\n"
     "--dry-run prints the CREATE TABLE statement instead", 2, 1},
    {"table describe", "SCHEMA CLASS [--header] [--format F]", "--header\0", dj__cli_table_describe,
     "--format\0",
     "print a table's definition in DataJoint's syntax (with --header or\n"
     "--format: one row per attribute)", 2, 1},
    {"table insert", "SCHEMA CLASS [--skip-duplicates] [--header] [--csv|--format F]",
     "--skip-duplicates\0--header\0--csv\0", dj__cli_table_insert, "--format\0",
     "insert rows from stdin: tab-separated, escaped as LOAD DATA (\\N is\n"
     "NULL), or CSV (RFC 4180; empty is NULL, \"\" the empty string); in table\n"
     "order, or named by a header line in any order (--header)", 2, 1},
#ifdef HAVE_BLOB
    {"blob decode", "[--hex] [--npy FILE]", "--hex\0", dj__cli_blob_decode, "--npy\0",
     "a DataJoint blob on stdin (raw, or hex with --hex) to one line of JSON\n"
     "describing its value; --npy writes a numeric array to FILE instead", 0, 0},
    {"blob encode", "[--hex] [--npy FILE]", "--hex\0", dj__cli_blob_encode, "--npy\0",
     "that JSON on stdin (or the array in FILE with --npy) to the blob\n"
     "datajoint-python would store; --hex prints it as hex", 0, 0},
#endif
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* Number of argv words the command's name takes when they match, else 0. */
static int match_words(const char *words, int argc, char **argv)
{
    int used = 0;
    for (const char *w = words; *w; used++) {
        size_t len = strcspn(w, " ");
        if (used >= argc || strlen(argv[used]) != len || strncmp(argv[used], w, len) != 0)
            return 0;
        w += len;
        w += *w == ' ';
    }
    return used;
}

/* "schema" or "table" without a known second word: the usage lists the
 * group's commands from the table, so that a new one is never missing. */
static int group_usage(const char *group, const char *given)
{
    char list[160] = "", synopsis[32];
    size_t n = strlen(group);
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        const char *w = commands[i].words;
        if (strncmp(w, group, n) != 0 || w[n] != ' ')
            continue;
        size_t used = strlen(list);
        dj__fmt(list + used, sizeof list - used, "%s%s", used ? ", " : "", w + n + 1);
    }
    dj__fmt(synopsis, sizeof synopsis, "%s COMMAND [ARGS]", group);
    if (given)
        return dj__cli_usage_error(synopsis, "unknown %s command '%s' (commands: %s)", group,
                                   given, list);
    return dj__cli_usage_error(synopsis, "%s needs a command: %s", group, list);
}

/* Finds the command at argv (argc words left); *used is how many words it took. */
static int find_command(int argc, char **argv, const command **out, int *used)
{
    if (argc == 0)
        return dj__cli_usage_error(NULL, "no command given");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        int n = match_words(commands[i].words, argc, argv);
        if (n > 0) {
            *out = &commands[i];
            *used = n;
            return DJ__CLI_OK;
        }
    }
    if (strcmp(argv[0], "schema") == 0 || strcmp(argv[0], "table") == 0)
        return group_usage(argv[0], argc > 1 ? argv[1] : NULL);
    return dj__cli_usage_error(NULL, "unknown command '%s'", argv[0]);
}

/* "words arguments", as usage errors and the help show a command. */
static void synopsis_of(const command *c, char *out, size_t size)
{
    dj__fmt(out, size, "%s%s%s", c->words, c->arguments[0] ? " " : "", c->arguments);
}

/* A usage error of one command, shown with that command's synopsis. */
static int command_usage(const command *c, const char *problem, const char *arg)
{
    char synopsis[96];
    synopsis_of(c, synopsis, sizeof synopsis);
    if (!arg)
        return dj__cli_usage_error(synopsis, "%s for 'dj %s'", problem, c->words);
    return dj__cli_usage_error(synopsis, "%s '%s' for 'dj %s'", problem, arg, c->words);
}

/* Takes "--name=value" or "--name value" when a is one of the command's
 * value options: returns 1 (and moves *i past a separate value), 0 when it
 * is not one, or a usage error. */
static int take_value(const command *c, int argc, char **argv, int *i, dj__cli_args *args)
{
    const char *a = argv[*i];
    const char *name = c->value_names;
    for (int k = 0; k < DJ__CLI_MAX_VALUES && name && *name; k++, name += strlen(name) + 1) {
        size_t n = strlen(name);
        if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
            continue;
        if (a[n] == '=') {
            args->value[k] = a + n + 1;
        } else if (*i + 1 < argc) {
            args->value[k] = argv[++*i];
        } else {
            command_usage(c, "missing value of option", a);
            return -1;
        }
        return 1;
    }
    return 0;
}

/* Splits what follows the command's words into its options and positionals.
 * Sets *help when --help appears among them. */
static int take_command_args(const command *c, int argc, char **argv, dj__cli_args *args,
                             int *help)
{
    memset(args, 0, sizeof *args);
    int given = 0, options_done = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--help") == 0 || strcmp(a, "-?") == 0) {
                *help = 1;
                return DJ__CLI_OK;
            }
            int flag = dj__cli_word_index(c->flag_names, a);
            if (flag >= 0 && flag < DJ__CLI_MAX_FLAGS) {
                args->flag[flag] = 1;
                continue;
            }
            int taken = take_value(c, argc, argv, &i, args);
            if (taken < 0)
                return DJ__CLI_USAGE;
            if (taken)
                continue;
            int is_global = a[1] == '-' ? find_long(a + 2, strcspn(a + 2, "=")) != NULL
                                        : find_short(a[1]) != NULL;
            if (is_global)
                return dj__cli_usage_error(NULL, "%s is a global option: give it before the "
                                                 "command", a);
            return command_usage(c, "unknown option", a);
        }
        if (given == c->positionals)
            return command_usage(c, "unexpected argument", a);
        args->pos[given++] = a;
    }
    if (given < c->positionals)
        return command_usage(c, "missing argument", NULL);
    return DJ__CLI_OK;
}

/* ---- configuration ---- */

/* The value given for an option on the command line, or NULL. */
static const char *option_value(const invocation *inv, const char *long_name)
{
    const global_option *o = find_long(long_name, strlen(long_name));
    return inv->values[o - global_options];
}

/* --port without --host: the port applies to the host(s) the files or the
 * environment named, even where they wrote one (DJ_HOST=h:3406 -P 3307 is
 * h:3307), because the command line wins. Each "host:port" or "[v6]:port"
 * of the list loses its ":port"; a bare IPv6 address (more than one ':')
 * has none. */
static void drop_host_ports(char *list)
{
    char *out = list;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *colon = memchr(p, ':', len);
        size_t keep = len;
        if (p[0] == '[') {
            const char *close = memchr(p, ']', len);
            keep = close ? (size_t)(close - p) + 1 : len;
        } else if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - p) - 1)) {
            keep = (size_t)(colon - p);
        }
        memmove(out, p, keep);
        out += keep;
        p += len;
        if (*p == ',')
            *out++ = *p++;
    }
    *out = '\0';
}

/* DataJoint's sources first, then the options on the command line. The
 * library reports unknown keys of config files through the log callback,
 * which counts them; --strict-config or DJ_STRICT_CONFIG make them errors. */
static int build_config(dj__cli *cli, const invocation *inv)
{
    dj_error err;
    const char *strict_env = getenv("DJ_STRICT_CONFIG");
    int strict_by_env = dj__cli_word_index("1\0true\0yes\0on\0", strict_env ? strict_env : "") >= 0;
    if (!strict_by_env && strict_env && *strict_env &&
        dj__cli_word_index("0\0false\0no\0off\0", strict_env) < 0) {
        dj__cli_printf(DJ__ERR, "dj: DJ_STRICT_CONFIG: invalid value \"%s\": expected 1, true, "
                                "yes or on (or 0, false, no, off)\n", strict_env);
        return DJ__CLI_USAGE;
    }
    dj_config_init(&cli->cfg);
    cli->quiet = inv->quiet;
    cli->cfg.log_fn = dj__cli_log;
    cli->cfg.log_ud = cli;
    if (dj_config_load(&cli->cfg, cli->loaded_from, &err) != 0) {
        dj__cli_report(&err);
        return DJ__CLI_USAGE;
    }
    if (cli->warnings && (inv->strict_config || strict_by_env)) {
        dj__cli_printf(DJ__ERR, "dj: the configuration has unknown keys; stopping because of %s\n",
                       inv->strict_config ? "--strict-config" : "DJ_STRICT_CONFIG");
        return DJ__CLI_USAGE;
    }
    if (option_value(inv, "port") && !option_value(inv, "host"))
        drop_host_ports(cli->cfg.host);
    for (size_t i = 0; i < GLOBAL_OPTION_COUNT; i++) {
        const global_option *o = &global_options[i];
        if (!inv->values[i] || dj_config_set(&cli->cfg, o->key, inv->values[i], &err) == 0)
            continue;
        dj__cli_printf(DJ__ERR, "dj: --%s: %s\n", o->long_name, err.message);
        return DJ__CLI_USAGE;
    }
    return DJ__CLI_OK;
}

static int connect_server(dj__cli *cli, const invocation *inv)
{
    if (inv->prompt_password) {
        int rc = dj__cli_read_password(cli->cfg.password, sizeof cli->cfg.password);
        if (rc)
            return rc;
    }
    /* Errors of the login name the server tried; later ones the one that answered. */
    char tried[DJ_HOST_MAX + 16];
    const char *host = cli->cfg.host, *colon = strchr(host, ':');
    if (cli->cfg.unix_socket[0])
        dj__fmt(tried, sizeof tried, "%s", cli->cfg.unix_socket);
    else if (strchr(host, ',') || strchr(host, ']') || (colon && !strchr(colon + 1, ':')))
        dj__fmt(tried, sizeof tried, "%s", host); /* a list, or ports written */
    else if (colon)
        dj__fmt(tried, sizeof tried, "[%s]:%u", host, cli->cfg.port); /* bare IPv6 */
    else
        dj__fmt(tried, sizeof tried, "%s:%u", host, cli->cfg.port);
    dj__cli_report_server(tried);
    dj_error err;
    if (dj_connect(&cli->conn, &cli->cfg, &err) != 0) {
        dj__cli_report(&err);
        return DJ__CLI_CONNECT;
    }
    dj__cli_report_server(dj_peer(cli->conn));
    return DJ__CLI_OK;
}

static int show_config(dj__cli *cli, const dj__cli_args *args)
{
    (void)args;
    if (cli->loaded_from[0]) {
        dj__cli_put_between(DJ__OUT, "# loaded from: ", cli->loaded_from, "\n");
    } else {
        dj__cli_puts(DJ__OUT, "# no config file found\n");
    }
    char value[DJ_STATEMENT_MAX];
    for (const char *const *key = dj_config_keys(); *key; key++) {
        if (dj_config_get(&cli->cfg, *key, value, sizeof value, 0) != 0)
            value[0] = '\0';
        dj__cli_puts(DJ__OUT, *key);
        dj__cli_put_between(DJ__OUT, "\t", value, "\n");
    }
    return DJ__CLI_OK;
}

/* ---- help and version ---- */

static const char help_text[] =
    "usage: dj [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Manage DataJoint schemas and run SQL on a MySQL or MariaDB server.\n"
    "\n"
    "Commands (dj COMMAND --help says what one does):\n";

/* Said by dj --help and by the help of the commands that take --format. */
static const char format_text[] =
    "\n"
    "--format F is tsv (default), csv (RFC 4180) or json (one object per line).\n"
    "Counts (rows affected, rows inserted) go to stderr; -q drops them.\n";

static const char options_text[] =
    "\n"
    "Options (before the command):\n"
    "  -h, --host=HOST          server host, host:port or a list h1:p1,h2:p2\n"
    "  -P, --port=PORT          server port (default 3306)\n"
    "  -u, --user=USER          user name\n"
    "  -p, --password           ask for the password on the terminal\n"
    "  -S, --socket=PATH        connect through this Unix socket\n"
    "  -D, --database=NAME      default database for the session\n"
    "      --tls=MODE           disabled, preferred, required, verify_ca or\n"
    "                           verify_identity\n"
    "      --ca=FILE            CA certificates for verify_ca and verify_identity\n"
    "      --capath=DIR         a directory of CA certificates\n"
    "      --cert=FILE          client certificate (--key=FILE: its key)\n"
    "      --connect-timeout=S  seconds to connect and log in (default 10)\n"
    "      --read-timeout=S     seconds to wait for an answer (default: no limit)\n"
    "      --compress           use protocol compression\n"
    "      --strict-config      unknown keys in the config file are errors\n"
    "  -q, --quiet              no notices or yes/no answers; only data and errors\n"
    "  -?, --help               show this help\n"
    "  -V, --version            show the version and the compiled-in features\n"
    "Values may follow as --opt=VALUE, --opt VALUE, -oVALUE or -o VALUE.\n"
    "\n"
    "Configuration, later sources winning: DataJoint's defaults; the first config\n"
    "file found of $DJ_CONFIG_FILE, ./dj_local_conf.json, ~/.datajoint_config.json,\n"
    "datajoint.json in the current directory or a parent; the environment; then the\n"
    "options above, which always win (-P replaces a port written in DJ_HOST).\n"
    "\n"
    "Environment:\n"
    "  DJ_HOST, DJ_PORT, DJ_USER, DJ_PASS   server, port, user and password\n"
    "  DJ_USE_TLS                           TLS mode, as --tls\n"
    "  DJ_CONFIG_FILE                       read this config file and no other\n"
    "  DJ_STRICT_CONFIG                     1: as --strict-config\n"
    "  DJ_CONNECT_TIMEOUT, DJ_TLS_CA        connect timeout (seconds), CA file\n"
    "  DJ_LOG_LEVEL                         DEBUG, INFO, WARNING or ERROR\n"
    "\n"
    "Exit status:\n"
    "  0  success, or yes\n"
    "  1  a negative answer: the schema or table does not exist, or the drop was\n"
    "     declined\n"
    "  2  usage error: bad option, command, argument, name, table definition or\n"
    "     configuration\n"
    "  3  could not connect to the server or log in\n"
    "  4  the server reported an error, or something failed after connecting\n";

/* The commands' synopses come from the table, so that the help lists each
 * command, and lists it as its usage errors do. */
static int show_help(void)
{
    dj__cli_puts(DJ__OUT, help_text);
    char synopsis[96];
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        synopsis_of(&commands[i], synopsis, sizeof synopsis);
        dj__cli_put_between(DJ__OUT, "  ", synopsis, "\n");
    }
    dj__cli_puts(DJ__OUT, format_text);
    dj__cli_puts(DJ__OUT, options_text);
    return DJ__CLI_OK;
}

/* dj COMMAND --help: its synopsis and what it does; the global options,
 * configuration and exit status are dj --help's. */
static int show_command_help(const command *c)
{
    char synopsis[96];
    synopsis_of(c, synopsis, sizeof synopsis);
    dj__cli_printf(DJ__OUT, "usage: dj [OPTIONS] %s\n\n%s\n", synopsis, c->about);
    if (dj__cli_word_index(c->value_names, "--format") >= 0)
        dj__cli_puts(DJ__OUT, format_text);
    dj__cli_puts(DJ__OUT, "\nOptions before the command, configuration, environment and exit "
                          "status: dj --help\n");
    return DJ__CLI_OK;
}

static int show_version(void)
{
    const char *features = dj_features_string();
    dj__cli_printf(DJ__OUT, "dj %s (libdatajoint %s)\nfeatures: %s\n", PACKAGE_VERSION, dj_version(),
           features[0] ? features : "none");
    return DJ__CLI_OK;
}

/* ---- main ---- */

static int run(int argc, char **argv, dj__cli *cli)
{
    invocation inv;
    int rc = parse_global_options(argc, argv, &inv);
    if (rc)
        return rc;
    if (inv.show == SHOW_HELP)
        return show_help();
    if (inv.show == SHOW_VERSION)
        return show_version();
    const command *c = NULL;
    int used = 0;
    rc = find_command(argc - inv.next, argv + inv.next, &c, &used);
    if (rc)
        return rc;
    dj__cli_args args;
    int help = 0;
    rc = take_command_args(c, argc - inv.next - used, argv + inv.next + used, &args, &help);
    if (rc || help)
        return rc ? rc : show_command_help(c);
    rc = build_config(cli, &inv);
    /* dj query --multi: the server must be told at login to take several statements */
    cli->cfg.multi_statements |= c->run == dj__cli_query && args.flag[1];
    if (rc == DJ__CLI_OK && c->needs_server)
        rc = connect_server(cli, &inv);
    return rc ? rc : c->run(cli, &args);
}

int main(int argc, char **argv)
{
    dj__cli cli;
    memset(&cli, 0, sizeof cli);
    int rc = run(argc, argv, &cli);
    dj_close(cli.conn);
    dj_config_clear(&cli.cfg);
    return dj__cli_finish_output(rc);
}
