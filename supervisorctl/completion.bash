# bash completion for supervisorctl (supervisor-cpp).
# Completes options, commands, and process/group names asked from the
# running daemon (with the same -c/-s/-u/-p the command line already has).

_supervisorctl_names() {
  # $1: "processes" or "groups"; remaining: connection options to pass on.
  local what=$1
  shift
  local names
  names=$(supervisorctl "$@" avail 2>/dev/null | awk '{print $1}')
  if [[ $what == groups ]]; then
    printf '%s\n' $names | sed 's/:.*//' | sort -u
  else
    printf '%s\n' $names
    printf '%s\n' $names | grep ':' | sed 's/:.*/:*/' | sort -u
    echo all
  fi
}

_supervisorctl() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="add avail clear events exit fg find grep help logrotate maintail metrics open pid quit
    reexec reload remove reread restart shutdown signal start status stop tail update version"
  local opts="-c --configuration -h --help -i --interactive -s --serverurl -u --username
    -p --password -r --history-file --json"

  # Connection options seen so far, and where the command word is.
  local conn=() i=1 cmd_index=0
  while (( i < COMP_CWORD )); do
    case ${COMP_WORDS[i]} in
      -c|-s|-u|-p|-r|--configuration|--serverurl|--username|--password|--history-file)
        conn+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}")
        (( i += 2 ))
        continue ;;
      -*) (( i += 1 )); continue ;;
      *) cmd_index=$i; break ;;
    esac
  done

  if (( cmd_index == 0 )); then
    case $prev in
      -c|--configuration|-r|--history-file)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
      -s|--serverurl|-u|--username|-p|--password)
        return ;;
    esac
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi

  local cmd=${COMP_WORDS[cmd_index]}
  # One branch per completion kind of supervisorctl's command table
  # (supervisorctl/ctl_commands.cc); tests/unit/ctl_completion_test.cc checks
  # that every command is in the branch of its kind, and $commands above.
  case $cmd in
    help)  # commands
      COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    add|remove|update)  # groups
      if [[ $cmd == update && $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--dry-run" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_supervisorctl_names groups "${conn[@]}")" -- "$cur"))
      fi ;;
    start|stop|restart|clear|fg)  # processes
      COMPREPLY=($(compgen -W "$(_supervisorctl_names processes "${conn[@]}")" -- "$cur")) ;;
    status|pid)  # status-like
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--json" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_supervisorctl_names processes "${conn[@]}")" -- "$cur"))
      fi ;;
    avail|reread)  # json-only
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--json" -- "$cur"))
      fi ;;
    signal)  # signal
      if (( COMP_CWORD == cmd_index + 1 )); then
        COMPREPLY=($(compgen -W "HUP INT QUIT KILL USR1 USR2 TERM CONT STOP" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_supervisorctl_names processes "${conn[@]}")" -- "$cur"))
      fi ;;
    tail)  # tail
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-f -100 -1600" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_supervisorctl_names processes "${conn[@]}") stdout stderr" \
          -- "$cur"))
      fi ;;
    maintail)  # maintail
      COMPREPLY=($(compgen -W "-f -100 -1600" -- "$cur")) ;;
    logrotate)  # logrotate
      COMPREPLY=($(compgen -W "$(_supervisorctl_names processes "${conn[@]}") supervisord" \
        -- "$cur")) ;;
    find|grep)  # log-search
      COMPREPLY=($(compgen -W "$(_supervisorctl_names processes "${conn[@]}")" -- "$cur")) ;;
    events)  # events
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-f --follow --json -n --count --help" -- "$cur"))
      else
        local types="
          EVENT PROCESS_STATE PROCESS_STATE_STOPPED PROCESS_STATE_EXITED
          PROCESS_STATE_STARTING PROCESS_STATE_STOPPING PROCESS_STATE_BACKOFF PROCESS_STATE_FATAL
          PROCESS_STATE_RUNNING PROCESS_STATE_UNKNOWN PROCESS_COMMUNICATION
          PROCESS_COMMUNICATION_STDOUT PROCESS_COMMUNICATION_STDERR PROCESS_LOG PROCESS_LOG_STDOUT
          PROCESS_LOG_STDERR REMOTE_COMMUNICATION SUPERVISOR_STATE_CHANGE
          SUPERVISOR_STATE_CHANGE_RUNNING SUPERVISOR_STATE_CHANGE_STOPPING TICK TICK_5 TICK_60
          TICK_3600 PROCESS_GROUP PROCESS_GROUP_ADDED PROCESS_GROUP_REMOVED
        "
        COMPREPLY=($(compgen -W "$types $(_supervisorctl_names processes "${conn[@]}")" -- "$cur"))
      fi ;;
  esac
  # group:* and group:name are one word for us, not split at ':'.
  __ltrim_colon_completions "$cur" 2>/dev/null || true
}

complete -F _supervisorctl supervisorctl
