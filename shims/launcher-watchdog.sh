#!/bin/sh
# launcher's watchdog: outlives a killed launcher just long enough to kill what it supervised.
#
# The launcher starts it in a session of its own, stdin a pipe that only the launcher writes, and
# sends one line per change: `track <pid> <pgid|->` when a child starts, `forget <pid>` when it is
# gone. End of file means the launcher is gone (or done: then nothing is tracked any more). Each
# child still tracked is then frozen with SIGSTOP together with its process group and every
# descendant (walking again until no new process appears, so nothing forks away), and killed.
# POSIX sh and its builtins only, plus /proc (Linux) or `ps` to find descendants: it starts in
# about a millisecond, where a Node watchdog cost a whole second Node start per supervised run.

# The tracked children, as " pid:pgid pid:pgid " (pgid `-`: the child shares the launcher's group).
tracked=' '

# The numbers of this line must be plain digits: nothing read from the pipe reaches `kill` else.
is_number() {
  case $1 in '' | *[!0-9]*) return 1 ;; esac
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

# Freeze `$1` and everything below it, adding each process to `frozen`.
freeze_tree() {
  frozen=" $1 "
  kill -s STOP "$1" 2>/dev/null
  round=0
  while [ $round -lt 10 ]; do
    round=$((round + 1))
    read_table
    fresh=0
    for row in $table; do
      case $frozen in *" ${row#*:} "*) ;; *) continue ;; esac
      case $frozen in *" ${row%%:*} "*) continue ;; esac
      frozen="$frozen${row%%:*} "
      kill -s STOP "${row%%:*}" 2>/dev/null
      fresh=1
    done
    [ $fresh = 1 ] || break
  done
}

while read -r verb pid pgid || [ -n "$verb" ]; do
  is_number "$pid" || continue
  case $verb in
    track)
      is_number "$pgid" || pgid=-
      forget "$pid"
      tracked="$tracked$pid:$pgid "
      ;;
    forget) forget "$pid" ;;
  esac
  verb=
done

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
