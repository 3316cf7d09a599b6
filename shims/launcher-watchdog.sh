#!/bin/sh
# launcher's watchdog: outlives a killed launcher just long enough to kill what it supervised.
#
# The launcher starts it in a session of its own, stdin a pipe that only the launcher writes, and
# sends one line per change: `group <pgid>` (the launcher's process group) and `session <id>`
# first; `spawning` just before it starts a child;
# `track <pid> <pgid|->` once the child runs; `forget <pid>` when the child and its group are
# gone; `leftovers` when a child sharing the launcher's group ended unasked and a restart may
# follow (what it left is orphaned, found only by the session id), `settled` once that is reaped
# or left to run on. End of file means the launcher is gone (or done: then nothing is tracked or
# looked for any more). Each child still tracked is then frozen with SIGSTOP together with its
# process group and every descendant (walking again until no new process appears, so nothing
# forks away), and killed.
# POSIX sh and its builtins only, plus /proc (Linux) or `ps`: it starts in about a millisecond,
# where a Node watchdog cost a whole second Node start per supervised run.

# The tracked children, as " pid:pgid pid:pgid " (pgid `-`: the child shares the launcher's group).
tracked=' '
session=
spawning=0
leftovers=0
launcher=$PPID
# Told by the launcher rather than read from /proc/$PPID/stat here: `read` takes a byte per system
# call, and those reads of the launcher's status, while it starts its compiler, slowed each call.
launcher_group=

# A pid or group from the pipe must be plain digits and above 1: nothing else may reach `kill`
# (kill -KILL -1 would be every process of the user, -0 our own group).
is_number() {
  case $1 in '' | *[!0-9]* | 0* | 1) return 1 ;; esac
}

forget() {
  kept=' '
  for entry in $tracked; do
    [ "${entry%%:*}" = "$1" ] || kept="$kept$entry "
  done
  tracked=$kept
}

# Set `table` to " pid:ppid pid:ppid … " for every process we can see.
read_table() {
  table=' '
  if [ -r /proc/self/stat ]; then
    for stat in /proc/[0-9]*/stat; do
      read -r line <"$stat" 2>/dev/null || continue
      # The command name is in parentheses and may hold spaces: the fields start after the last.
      set -- ${line##*) }
      row_pid=${stat#/proc/}
      table="$table${row_pid%/stat}:$2 "
    done
  else
    set -- $(ps -A -o pid= -o ppid= 2>/dev/null)
    while [ $# -ge 2 ]; do
      table="$table$1:$2 "
      shift 2
    done
  fi
}

# The launcher's exit closes this pipe before the kernel has finished with the launcher. When it
# finishes, a process group the launcher leaves orphaned (the terminal's, holding a compiler that
# shares it) is sent SIGHUP and SIGCONT if a member is stopped: freezing the compiler before
# that would kill it by SIGHUP and hand its children to init, out of reach. So while the
# launcher is exiting, wait until this process has been handed to a new parent (the launcher's
# last thread is through), then signal our own group: that waits for the kernel's process list
# lock, which the exit holds until it is done. A launcher alive and well that closed the pipe
# itself is not waited for. Without /proc, wait (briefly) while the launcher still exists.
await_launcher_exit() {
  tries=0
  while [ $tries -lt 100000 ]; do
    tries=$((tries + 1))
    if [ ! -r /proc/self/stat ]; then
      kill -0 "$launcher" 2>/dev/null && [ $tries -lt 1000 ] || break
      continue
    fi
    read -r line <"/proc/$launcher/stat" 2>/dev/null || break
    set -- ${line##*) }
    # State, then flags (the 7th field from here): PF_EXITING (4) is set as exiting begins.
    case $1 in Z | X) ;; *) [ $(($7 & 4)) -ne 0 ] || return 0 ;; esac
    read -r line </proc/self/stat
    set -- ${line##*) }
    [ "$2" = "$launcher" ] || break
  done
  kill -s 0 -- "-$$" 2>/dev/null
}

# A child started just before the launcher died, too soon for its `track` line, or what a
# crashed child left before its restart: find it by the session id in the environment every
# process of it inherited (Linux only). Those in a group other than the launcher's lead or
# belong to the child's own group.
track_by_session() {
  for environ in /proc/[0-9]*/environ; do
    found=
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in *"LAUNCHER_SESSION=$session"*) found=1 ;; esac
      line=
    done <"$environ" 2>/dev/null
    [ -n "$found" ] || continue
    found_pid=${environ#/proc/}
    found_pid=${found_pid%/environ}
    read -r line <"/proc/$found_pid/stat" 2>/dev/null || continue
    set -- ${line##*) }
    group=$3
    # In the launcher's group (or when that group is unknown): the tree is walked, never the
    # whole group killed, which may hold the user's other jobs.
    if [ -z "$launcher_group" ] || [ "$group" = "$launcher_group" ] || ! is_number "$group"; then
      group=-
    fi
    forget "$found_pid"
    tracked="$tracked$found_pid:$group "
  done
}

# Freeze `$1` and everything below it, adding each process to `frozen`. The first round reads
# the tree before stopping anything, so a process that dies meanwhile (say, of that SIGHUP)
# cannot hide its children; later rounds catch what was started in between.
freeze_tree() {
  frozen=" $1 "
  fresh=" $1 "
  round=0
  while [ $round -lt 10 ]; do
    round=$((round + 1))
    read_table
    grew=1
    while [ $grew = 1 ]; do
      grew=0
      for row in $table; do
        case $frozen in *" ${row#*:} "*) ;; *) continue ;; esac
        case $frozen in *" ${row%%:*} "*) continue ;; esac
        frozen="$frozen${row%%:*} "
        fresh="$fresh${row%%:*} "
        grew=1
      done
    done
    [ "$fresh" = ' ' ] && break
    for fresh_pid in $fresh; do
      kill -s STOP "$fresh_pid" 2>/dev/null
    done
    fresh=' '
  done
}

while read -r verb pid pgid || [ -n "$verb" ]; do
  case $verb in
    session)
      case $pid in '' | *[!A-Za-z0-9_-]*) ;; *) session=$pid ;; esac
      ;;
    group) is_number "$pid" && launcher_group=$pid ;;
    spawning) spawning=1 ;;
    leftovers) leftovers=1 ;;
    settled) leftovers=0 ;;
    track)
      is_number "$pid" || continue
      is_number "$pgid" || pgid=-
      forget "$pid"
      tracked="$tracked$pid:$pgid "
      spawning=0
      ;;
    forget) is_number "$pid" && forget "$pid" ;;
  esac
  verb=
done

[ "$tracked" = ' ' ] && [ $spawning = 0 ] && [ $leftovers = 0 ] && exit 0
await_launcher_exit
if [ $spawning = 1 ] || [ $leftovers = 1 ]; then
  [ -n "$session" ] && [ -r /proc/self/stat ] && track_by_session
fi
for entry in $tracked; do
  pid=${entry%%:*}
  pgid=${entry#*:}
  [ "$pgid" = - ] || kill -s STOP -- "-$pgid" 2>/dev/null
  freeze_tree "$pid"
  [ "$pgid" = - ] || kill -s KILL -- "-$pgid" 2>/dev/null
  for frozen_pid in $frozen; do
    kill -s KILL "$frozen_pid" 2>/dev/null
  done
done
exit 0
