/** Spanish texts. Typed against the English catalog, so no key or param can be missing. */
import type { Catalog } from './en.js';
import { drillCliEs } from './drill-cli-es.js';
import { feedbackEs } from './feedback-es.js';
import { sandboxEs } from './sandbox-es.js';
import { uiEs } from './ui-es.js';

const fields: Record<string, string> = {
  text: 'el texto de la respuesta',
  note: 'la nota',
  comment: 'el comentario',
  reason: 'el motivo',
  summary: 'el resumen de la resolución',
  severity: 'la gravedad',
  impact: 'el impacto',
  whatHappened: 'qué pasó',
  whatWentWell: 'qué salió bien',
  whatToImprove: 'qué mejorar',
  actionItems: 'las acciones',
  owner: 'el responsable',
  dueAt: 'la fecha límite',
};
const field = (name: string) => fields[name] ?? name;
const languageName = (code: string) => (code === 'es' ? 'español' : code === 'en' ? 'inglés' : code);
const feedbackVerdictsEs: Record<string, string> = { real_crisis: 'crisis real', false_alarm: 'falsa alarma', negative: 'negativo', not_negative: 'no negativo' };
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** Adónde va una respuesta aprobada, dicho una vez en la línea de la aprobación (`channel` vacío en registros antiguos). */
const willPostEs = (p: { channel: string; drill: boolean }) =>
  p.drill ? 'se publicará solo en el hilo de la alerta (simulacro)' : p.channel ? `se publicará en ${p.channel}` : 'se publicará';

const actions: Record<string, string> = {
  resolve: 'resolver el incidente',
  reopen: 'reabrir el incidente',
  change_severity: 'cambiar la gravedad',
};
/** «quien lidera el incidente, una persona aprobadora o alguien que el playbook nombra». */
const whoMay = (p: { lead: boolean; approvers: boolean; named: boolean }) => {
  const parts = [p.lead && 'quien lidera el incidente', p.approvers && 'una persona aprobadora', p.named && 'alguien que el playbook nombra'].filter(
    (part): part is string => typeof part === 'string',
  );
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} o ${parts.at(-1)}` : (parts[0] ?? 'nadie');
};
/** « Pídeselo a una de ellas: <@U1>, <@U2> (y 3 más).» — a quién puede acudir quien fue rechazado; '' si a nadie. */
const askOneOf = (people: readonly string[], more: number) =>
  people.length > 0 ? ` Pídeselo a una de ellas: ${people.map((id) => `<@${id}>`).join(', ')}${more > 0 ? ` (y ${more} más)` : ''}.` : '';
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const es: Catalog = {
  'refusal.incident_resolved': (p) =>
    `El incidente #${p.number} está resuelto y ya no admite esta acción. Si la respuesta debe continuar, reábrelo primero.`,
  'refusal.message_deleted': () => 'Su autor ha borrado este mensaje: Firebreak no guarda nada de él y no se ha añadido a la cronología.',
  'refusal.incident_not_resolved': (p) => `El incidente #${p.number} no está resuelto; no hay nada que reabrir.`,
  'refusal.already_lead': (p) => `Ya lideras el incidente #${p.number}.`,
  'refusal.lead_changed': (p) =>
    p.leadUserId
      ? `<@${p.leadUserId}> tomó el liderazgo del incidente #${p.number} justo antes de que pulsaras. Pulsa *Tomar el liderazgo* en la alerta si quieres quitárselo.`
      : `Ya nadie lidera el incidente #${p.number}: pulsa el primer botón de la alerta si quieres liderarlo.`,
  'refusal.not_authorised': (p) => `Según este playbook, solo ${whoMay(p)} puede ${actions[p.action] ?? p.action}.` + askOneOf(p.people ?? [], p.more ?? 0),
  'refusal.not_an_approver': (p) =>
    `No figuras entre las personas aprobadoras de este playbook, así que no puedes decidir sobre la respuesta #${p.draftNumber}.` + askOneOf(p.approvers, p.more),
  'refusal.approvers_unconfirmed': () =>
    'Slack no ha podido decir ahora quién está en los grupos de aprobación de este playbook, así que tu aprobación no se ha registrado. Vuelve a intentarlo en un momento.',
  'refusal.four_eyes': (p) =>
    `Escribiste o editaste la respuesta #${p.draftNumber}; por la regla de los cuatro ojos, debe aprobarla otra persona.`,
  'refusal.no_approvers': () =>
    'Este playbook no nombra a ninguna persona aprobadora (o sus grupos están vacíos), así que ninguna respuesta podría aprobarse. Pide a un administrador que corrija el playbook.',
  'refusal.invalid_quorum': (p) =>
    `El quórum de este playbook (${p.n}) no es un número entero mayor o igual que 1, así que ninguna respuesta podría aprobarse. Pide a un administrador que corrija el playbook.`,
  'refusal.quorum_unreachable': (p) =>
    `Esta respuesta necesita ${plural(p.required, 'aprobación', 'aprobaciones')}, pero solo ${plural(p.eligible, 'persona puede', 'personas pueden')} darla, así que nunca podría publicarse.`,
  'refusal.draft_not_found': (p) => `No existe el borrador de respuesta ${p.draftId} en este incidente.`,
  'refusal.draft_closed': (p) => `La respuesta #${p.draftNumber} fue rechazada; redacta un borrador nuevo.`,
  'refusal.draft_already_approved': (p) =>
    `La respuesta #${p.draftNumber} ya está aprobada y se publica una sola vez; no queda nada por decidir.`,
  'refusal.draft_not_approved': (p) => `La respuesta #${p.draftNumber} no está aprobada, así que no puede publicarse.`,
  'refusal.draft_closed_unsent': (p) => `La respuesta #${p.draftNumber} no se envió: el incidente se resolvió mientras esperaba aprobación; redacta un borrador nuevo.`,
  'refusal.draft_not_posted': (p) => `La respuesta #${p.draftNumber} se aprobó pero no pudo publicarse; redacta un borrador nuevo.`,
  'refusal.stale_revision': (p) =>
    `La respuesta #${p.draftNumber} ha cambiado desde que la abriste (viste la revisión ${p.seen} y ahora va por la ${p.current}). Revisa el texto nuevo.`,
  'refusal.already_decided': (p) =>
    `Ya diste tu decisión sobre la revisión ${p.revision} de la respuesta #${p.draftNumber}.`,
  'refusal.changes_requested_pending': (p) =>
    `${p.requestedBy ? `<@${p.requestedBy}> pidió` : 'Se pidieron'} cambios en la respuesta #${p.draftNumber}; hay que editarla antes de aprobarla.`,
  'refusal.no_change': (p) => `El texto es igual a la revisión actual de la respuesta #${p.draftNumber}.`,
  'refusal.same_severity': (p) => `El incidente ya es ${p.severity.toUpperCase()}.`,
  'refusal.severity_changed': (p) =>
    `Otra persona cambió el incidente #${p.number} a ${p.current.toUpperCase()} mientras este formulario estaba abierto (mostraba ${p.seen.toUpperCase()}). Ciérralo y pulsa Cambiar gravedad otra vez para decidir desde ahí.`,
  'refusal.step_not_found': (p) => `La lista de comprobación de este incidente no tiene el paso «${p.stepId}».`,
  'refusal.step_already_done': (p) => `«${p.step}» ya está hecho${p.doneByUserId ? ` (por <@${p.doneByUserId}>)` : ''}.`,
  'refusal.step_not_done': (p) => `«${p.step}» no está hecho; no hay nada que deshacer.`,
  'refusal.step_already_skipped': (p) => `«${p.step}» ya se omitió.`,
  'refusal.required_steps_open': (p) =>
    `Estos pasos obligatorios no están hechos ni omitidos: ${p.steps.map((s) => `«${s}»`).join(', ')}. En el checklist del hilo del incidente, márcalos como Hecho o usa Omitir… para dar el motivo; después vuelve a resolver.`,
  'refusal.text_required': (p) => `Falta ${field(p.field)}.`,
  'refusal.text_too_long': (p) =>
    `${capitalise(field(p.field))} tiene ${p.length} caracteres; Slack admite como máximo ${p.max}.`,
  'refusal.invalid_input': (p) => `«${p.value}» no es un valor válido para ${field(p.field)}; se esperaba uno de: ${p.expected}.`,
  'refusal.preflight': (p) =>
    [
      'Esta respuesta no puede llegar a la comunidad:',
      p.empty ? 'está vacía.' : '',
      p.length > p.max ? `tiene ${p.length} caracteres; Slack admite como máximo ${p.max}.` : '',
      p.unfilled
        ? p.unfilled === '[member]'
          ? 'aún contiene «[member]»: no hay mensaje de un miembro al que responder, así que escribe a todos o responde al mensaje de un miembro.'
          : `aún contiene «${p.unfilled}», un hueco que la plantilla no pudo rellenar; escribe el valor real.`
        : '',
      p.mention ? `contiene «${p.mention}», que avisaría a todo un canal o grupo.` : '',
    ]
      .filter(Boolean)
      .join(' '),
  'refusal.preflight_language': (p) =>
    p.edit
      ? `Esta respuesta está ahora en ${languageName(p.language)}, pero quienes la recibirán escriben en ${languageName(p.expected)}. Marca «Publicar en este idioma igualmente» para publicarla en ${languageName(p.language)}, o reescríbela en ${languageName(p.expected)}.`
      : p.chosen === p.expected
      ? `Esta respuesta está escrita en ${languageName(p.language)}, pero el idioma elegido y el de quienes la recibirán es el ${languageName(p.expected)}. Escríbela en ${languageName(p.expected)}; para publicarla en ${languageName(p.language)}, elige ${languageName(p.language)} como idioma de la respuesta y marca «Publicar en este idioma igualmente».`
      : `Esta respuesta está en ${languageName(p.language)}, pero quienes la recibirán escriben en ${languageName(p.expected)}. Marca «Publicar en este idioma igualmente» para publicarla en ${languageName(p.language)}, o reescríbela en ${languageName(p.expected)} y elige ${languageName(p.expected)} como idioma de la respuesta.`,
  'refusal.unknown_target': () =>
    'Esta respuesta contestaría a un mensaje que este incidente no cita. Vuelve a elegir dónde va: el canal o uno de los mensajes de miembros de la lista.',
  'preflight.passed': () => ':white_check_mark: Comprobación previa: nada que señalar.',
  'preflight.refused': () => ':no_entry: La comprobación previa rechaza este texto; no se puede aprobar:',
  'preflight.warning.language': (p) =>
    `:warning: Escrita en ${languageName(p.language)}; quienes la recibirán escriben en ${languageName(p.expected)}${p.confirmed ? ' (quien la redactó lo confirmó)' : ''}.`,
  'preflight.warning.contact': (p) =>
    `:warning: ${p.kind === 'email' ? 'Correo electrónico' : p.kind === 'phone' ? 'Teléfono' : 'Enlace'} que no está en el playbook ni en sus plantillas: ${p.found}`,
  'preflight.hold.unknown_draft': () => 'su borrador o su revisión ya no existen.',
  'preflight.hold.not_approved': () => 'ningún quórum la aprobó.',
  'preflight.hold.text_not_approved': () => 'su texto no es exactamente el que aprobó el quórum.',
  'preflight.hold.quorum_lost': () => 'parte de quienes la aprobaron ya no son aprobadores en el playbook, así que las aprobaciones que quedan no forman quórum.',
  'preflight.hold.quorum_grew': () =>
    'ahora pueden aprobarla más personas que cuando se aprobó (alguien cuya cuenta de Slack vuelve a estar activa, o aprobadores añadidos al playbook o a su grupo), y su quórum necesita también su aprobación; redáctala de nuevo para que se apruebe.',
  'preflight.hold.approver_deactivated': () => 'se ha desactivado la cuenta de Slack de alguien cuya aprobación contaba, así que las aprobaciones que quedan no forman quórum; redáctala de nuevo para que se apruebe.',
  'preflight.hold.preflight_refused': () => 'la comprobación previa rechaza su texto (una variable sin rellenar, una mención masiva o su longitud).',
  'preflight.hold.drill_outside_thread': () => 'es un simulacro, y un simulacro nunca publica fuera de su hilo de alerta.',
  'preflight.hold.wrong_channel': () => 'iba dirigida a otro canal que el aprobado.',
  'preflight.hold.parent_deleted': (p) =>
    `el mensaje del miembro al que responde en ${p.channel} se borró (o Firebreak ya no puede verlo), así que una respuesta en su hilo quedaría invisible o fuera de lugar. No se publicó nada. Para decírselo igualmente a la comunidad, vuelve a redactarla como mensaje nuevo en el canal.`,
  'preflight.hold.lookup_failed': (p) =>
    `Slack nunca respondió a un intento anterior de publicarla, y Firebreak no pudo comprobar si ese intento llegó (falló la lectura de ${p.channel}). No se publicó nada más, para que nunca salga dos veces. Mira en ${p.channel}: si la respuesta no está, vuelve a redactarla; si está, no hay nada que hacer.`,
  'preflight.hold.lookup_incomplete': (p) =>
    `Slack nunca respondió a un intento anterior de publicarla, y Firebreak no pudo leer a tiempo todos los mensajes publicados en ${p.channel} desde entonces para comprobar si ese intento llegó (demasiados mensajes, o Slack limita cuántas veces puede Firebreak leer el canal). No se publicó nada más, para que nunca salga dos veces. Mira en ${p.channel}: si la respuesta no está, vuelve a redactarla; si está, no hay nada que hacer.`,
  'preflight.hold.parent_unchecked': (p) =>
    `Firebreak no pudo comprobar que el mensaje del miembro al que responde en ${p.channel} sigue ahí: Slack no le dejó leer el hilo (su límite de frecuencia). Una respuesta nunca se publica sin esa comprobación, así que no se publicó nada. Mira en ${p.channel}: si el mensaje del miembro sigue ahí, vuelve a redactar la respuesta.`,
  'preflight.waiting.lookup': (p) =>
    `:hourglass_flowing_sand: La respuesta #${p.draftNumber} está esperando: Slack nunca respondió a un intento anterior de publicarla, y Slack limita cuántas veces puede Firebreak leer ${p.channel} para comprobar si ese intento llegó (las apps no aprobadas para el Slack Marketplace pueden leer un canal una vez por minuto, 15 mensajes cada vez). Se publica cuando la comprobación no la encuentra, nunca dos veces; si la comprobación no termina en ${p.minutes} minutos, se retiene y se dice aquí.`,
  'preflight.waiting.parent': (p) =>
    `:hourglass_flowing_sand: La respuesta #${p.draftNumber} está esperando: antes de publicarla Firebreak comprueba que el mensaje del miembro al que responde en ${p.channel} sigue ahí, y Slack limita cuántas veces puede leerlo (las apps no aprobadas para el Slack Marketplace pueden leer hilos una vez por minuto). Se publica cuando la comprobación pasa; si no termina en ${p.minutes} minutos, se retiene y se dice aquí.`,
  'preflight.held': (p) => `:octagonal_sign: La respuesta #${p.draftNumber} se retuvo y no se publicó: ${p.reason}`,
  'unanswered.reminder': (p) =>
    `:speech_balloon: ${p.who} ${plural(p.count, 'mensaje negativo', 'mensajes negativos')} en #${p.channel} ${p.count === 1 ? 'lleva' : 'llevan'} más de ${p.minutes} min sin respuesta:\n${p.list}`,
  'digest.dropped': (p) =>
    `El resumen del ${p.date} no se publicó: Slack no lo aceptó en ${p.channel} (borrado, archivado, o el bot no está en él). Los resúmenes llegan ahora aquí; el próximo, a su hora.`,
  'outbox.reply_stopped_by_uninstall': (p) =>
    `:warning: La respuesta #${p.draftNumber} estaba aprobada, pero Firebreak se desinstaló de este espacio de trabajo (o se revocó su acceso) antes de publicarla, así que nunca se publicó${p.uncertain ? ' (un intento anterior quedó sin respuesta: revisa el canal antes de publicarla otra vez)' : ': nada llegó a la comunidad'}. Firebreak ya está de vuelta; si la respuesta sigue haciendo falta, vuelve a redactarla.`,
  'outbox.message_deleted': (p) =>
    `:warning: Un mensaje que Firebreak mantiene al día se borró en Slack, así que ya no muestra el estado actual (${p.method}: \`${p.error}\`). \`/firebreak estado\` muestra cómo está cada incidente abierto.`,
  'outbox.thread_lines_stopped_by_uninstall': (p) =>
    `:information_source: Mientras Firebreak estuvo desinstalado de este espacio de trabajo (o sin acceso), ${plural(p.lines.length + p.more, 'actualización no se publicó', 'actualizaciones no se publicaron')} en este hilo; la alerta y las tarjetas de arriba ya muestran cómo están las cosas. Lo que pasó entretanto:\n${p.lines.map((line) => `• ${line}`).join('\n')}${p.more > 0 ? `\n…y ${p.more} más (están todas en la cronología del incidente).` : ''}`,
  'outbox.write_refused': (p) =>
    `:warning: Slack rechazó un envío (${p.method}): \`${p.error}\`. Firebreak no lo reintentará; revisa el canal y los permisos del bot.`,

  'timeline.detected': () => 'Se detectó un sentimiento negativo en el canal',
  'timeline.opened': (p) => `${p.drill ? 'Simulacro abierto' : 'Incidente abierto'} como ${p.severity.toUpperCase()}`,
  'timeline.alert_posted': () => 'Alerta publicada en el canal de alertas',
  'timeline.alert_raised_again': (p) =>
    `Publicado aquí con retraso: este incidente quedó retenido porque su canal de alertas ${p.heldChannel} es un canal de la comunidad que Firebreak vigila, así que no se publicó nada allí`,
  'timeline.alert_raised_elsewhere': (p) =>
    `Publicado aquí con retraso: Slack no aceptó este incidente en su canal de alertas ${p.heldChannel} (archivado, borrado, o el bot no está en él), así que no se publicó nada allí`,
  'timeline.acknowledged': (p) => `${p.user} confirmó el incidente y asumió el liderazgo`,
  'timeline.lead_changed': (p) => `${p.user} tomó el relevo de ${p.from} al frente del incidente`,
  'timeline.lead_deactivated': (p) =>
    `La cuenta de Slack de ${p.user} se ha desactivado, así que el incidente se ha quedado sin responsable: ${p.ask}, que alguien de vosotros tome el relevo («Asumir y liderar» en la alerta)`,
  'timeline.severity_changed': (p) => `${p.user} cambió la gravedad de ${p.from.toUpperCase()} a ${p.to.toUpperCase()}`,
  'timeline.draft_created': (p) => `${p.user} redactó la respuesta #${p.draftNumber}`,
  'timeline.draft_edited': (p) =>
    `${p.user} editó la respuesta #${p.draftNumber} (ahora revisión ${p.revision})${p.voided > 0 ? `; ${plural(p.voided, 'decisión anterior deja', 'decisiones anteriores dejan')} de contar` : ''}`,
  'timeline.draft_approved': (p) =>
    `${p.user} aprobó la revisión ${p.revision} de la respuesta #${p.draftNumber} (${p.approvals} de ${p.required})`,
  'timeline.draft_changes_requested': (p) => `${p.user} pidió cambios en la respuesta #${p.draftNumber}: ${p.comment}`,
  'timeline.draft_rejected': (p) => `${p.user} rechazó la respuesta #${p.draftNumber}: ${p.comment}`,
  'timeline.draft_approved_quorum': (p) =>
    `${p.user} aprobó la revisión ${p.revision} de la respuesta #${p.draftNumber} (${p.approvals} de ${p.required}): ${willPostEs(p)}`,
  'timeline.quorum_met': (p) => `Respuesta #${p.draftNumber} aprobada por ${p.approvers}: ${willPostEs(p)}`,
  'timeline.approval_voided': (p) =>
    `La aprobación de ${p.user} a la respuesta #${p.draftNumber} ya no cuenta: su cuenta de Slack se ha desactivado${p.backToPending ? '. La respuesta no se publica y vuelve a esperar aprobación' : ''}`,
  'timeline.approver_deactivated': (p) =>
    `La cuenta de Slack de ${p.user} se ha desactivado, así que ya no es aprobador: las respuestas que esperan aprobación (${p.drafts}) ya no cuentan con su aprobación.` +
    (p.unreachable ? ` La respuesta ${p.unreachable} ya no puede reunir las aprobaciones que pide su playbook: editad los aprobadores del playbook (\`firebreak doctor\` señala las cuentas desactivadas en su línea del playbook).` : '') +
    (p.approvedByAll ? ` La respuesta ${p.approvedByAll} ya tiene la aprobación de todos los que aún pueden aprobar: que uno de vosotros pulse Aprobar otra vez para publicarla.` : ''),
  'timeline.approver_reactivated': (p) =>
    `La cuenta de Slack de ${p.user} vuelve a estar activa, así que vuelve a contar como aprobador para las respuestas que esperan aprobación (${p.drafts}).` +
    (p.unreachable ? ` La respuesta ${p.unreachable} sigue sin poder reunir las aprobaciones que pide su playbook: editad los aprobadores del playbook.` : ''),
  'timeline.reply_posted': (p) =>
    p.drill
      ? `Respuesta #${p.draftNumber} publicada (simulacro: solo en el hilo de la alerta)`
      : `Respuesta #${p.draftNumber} publicada en la comunidad`,
  'timeline.draft_closed_unsent': (p) =>
    `La respuesta #${p.draftNumber} no se envió: aún esperaba aprobación cuando se resolvió el incidente`,
  'timeline.reply_not_posted': (p) =>
    p.uncertain
      ? `No se confirmó que la respuesta #${p.draftNumber} se publicara (Slack no contestó a un intento y luego respondió \`${p.reason}\`)`
      : `La respuesta #${p.draftNumber} no se publicó (\`${p.reason}\`): nada llegó a la comunidad`,
  'timeline.checklist_ticked': (p) => `${p.user} completó «${p.step}»`,
  'timeline.checklist_unticked': (p) => `${p.user} volvió a abrir «${p.step}»`,
  'timeline.checklist_skipped': (p) => `${p.user} omitió «${p.step}»`,
  'timeline.reminder_sent': (p) => `Recordatorio enviado a ${p.recipients}: ${p.subject}`,
  'timeline.escalation_sent': (p) => `Escalado a ${p.recipients}: ${p.subject}`,
  'timeline.detection_escalated': (p) =>
    `Empeora: ${plural(p.observed, 'mensaje negativo', 'mensajes negativos')} en ${p.window}, cuando lo habitual son unos ${p.expected}`,
  'timeline.note_added': (p) => `${p.user} añadió una nota`,
  'timeline.message_added': (p) => `${p.user} añadió a la cronología un mensaje de ${p.author}`,
  'timeline.message_added_deleted': (p) => `${p.user} añadió a la cronología un mensaje de ${p.author}; su autor lo ha borrado después y Firebreak ya no lo muestra`,
  'timeline.message_added_edited': (p) => `${p.user} añadió a la cronología un mensaje de ${p.author}; su autor lo ha editado después y Firebreak muestra su última versión`,
  'timeline.feedback_given': (p) => `${p.user} opinó: ${feedbackVerdictsEs[p.verdict] ?? p.verdict}${p.excerpt ? ` sobre «${p.excerpt}»` : ''}`,
  'timeline.feedback_undone': (p) =>
    `${p.user} deshizo la opinión «${feedbackVerdictsEs[p.verdict] ?? p.verdict}»${p.excerpt ? ` sobre «${p.excerpt}»` : ''}` +
    (p.earlier ? `; vuelve a contar ${p.earlierSame ? 'su opinión anterior' : `la opinión anterior de ${p.earlierBy}`}, «${feedbackVerdictsEs[p.earlier] ?? p.earlier}»` : ''),
  'timeline.resolved': (p) => `${p.user} resolvió el incidente`,
  'timeline.reopened': (p) => `${p.user} reabrió el incidente`,
  'timeline.firebreak': () => 'Firebreak',
  'timeline.nobody': () => 'nadie',
  'timeline.unknown_member': () => 'un miembro desconocido',
  'postmortem.field.summary': () => 'Resumen',
  'postmortem.field.impact': () => 'Impacto',
  'postmortem.field.whatHappened': () => 'Qué pasó',
  'postmortem.field.whatWentWell': () => 'Qué salió bien',
  'postmortem.field.whatToImprove': () => 'Qué mejorar',
  'postmortem.error.required': (p) => `Rellena «${p.label}» antes de enviar el post-mortem a revisión.`,
  'postmortem.error.too_long': (p) => `Tiene ${p.length} caracteres; Slack admite como máximo ${p.max}.`,
  'number.invalid': (p) => `«${p.value}» en «${p.field}» no es un número. Escribe cifras, con coma o punto decimal si hace falta (por ejemplo ${p.example}).`,
  'number.invalid_whole': (p) => `«${p.value}» en «${p.field}» no es un número entero. Escribe solo cifras (por ejemplo ${p.example}).`,
  'number.ambiguous': (p) =>
    `«${p.value}» en «${p.field}» se puede leer de dos maneras, como miles o como decimales. Escribe los miles sin separador (${p.thousands}) o los decimales con una cuarta cifra (${p.decimals}).`,
  'number.not_whole': (p) => `«${p.value}» en «${p.field}» tiene decimales; escribe un número entero.`,
  'number.below_min': (p) => `${p.value} en «${p.field}» es demasiado pequeño; el mínimo es ${p.min}.`,
  'number.above_max': (p) => `${p.value} en «${p.field}» es demasiado grande; el máximo es ${p.max}.`,
  'postmortem.error.not_yes_no': () => 'Responde sí o no.',
  'postmortem.error.unknown_question': (p) => `Este playbook no tiene la pregunta «${p.id}».`,
  'postmortem.error.too_many_actions': (p) =>
    `${p.count} acciones son demasiadas para un post-mortem; como máximo, ${p.max}.`,
  'postmortem.error.unknown_action': (p) => `La acción ${p.id} no pertenece a este post-mortem.`,
  'postmortem.error.action_text_required': () => 'Indica qué hay que hacer.',
  'postmortem.error.action_owner_required': () => 'Elige quién se encarga de esta acción.',
  'postmortem.error.action_due_required': () => 'Elige una fecha límite.',
  'postmortem.error.action_due_past': () => 'La fecha límite ya ha pasado.',
  'postmortem.error.edited_since_opened': () =>
    'Otra persona guardó un cambio en este campo después de que abrieras este formulario. Copia tu texto, cierra el formulario y vuelve a abrirlo para ver su versión; después añade la tuya.',
  'postmortem.error.emptied_since_opened': (p) =>
    `${p.who ?? 'Otra persona'} vació este campo después de que abrieras este formulario. Vuelve a enviarlo para conservar el texto que ves aquí.`,
  'postmortem.refusal.edited_since_opened': (p) =>
    `No se guardó el post-mortem: otra persona cambió ${p.count === 1 ? 'un campo que tú también cambiaste' : `${p.count} campos que tú también cambiaste`} después de que abrieras este formulario.`,
  'postmortem.refusal.invalid_submission': (p) =>
    `No se guardó el post-mortem: ${p.count === 1 ? 'hay 1 campo que revisar' : `hay ${p.count} campos que revisar`}.`,
  'postmortem.refusal.not_authorised': () => 'Solo quien es responsable del post-mortem y sus revisores pueden editarlo.',
  'postmortem.refusal.published': () => 'Este post-mortem está publicado y ya no puede cambiar.',
  'postmortem.refusal.in_review': () => 'Este post-mortem está en revisión; para editarlo, un revisor debe pedir cambios.',
  'postmortem.refusal.not_in_review': () => 'Este post-mortem no está pendiente de revisión.',
  'postmortem.refusal.not_a_reviewer': () => 'No figuras entre los revisores de este post-mortem.',
  'postmortem.refusal.own_postmortem': (p) =>
    `${p.owner ? 'Eres responsable de este post-mortem' : 'Escribiste parte de este post-mortem'}, así que debe revisarlo otra persona: nadie aprueba lo que escribió (cuatro ojos, como en las respuestas). ` +
    (p.reviewers.length > 0
      ? `${p.reviewers.map((id) => `<@${id}>`).join(', ')} ${p.reviewers.length === 1 ? 'puede' : 'pueden'} revisarlo.`
      : 'No queda ningún revisor que no lo haya escrito; pide a un administrador que añada uno a los revisores de post-mortem del playbook.'),
  'postmortem.refusal.no_eligible_reviewer': (p) =>
    (p.reviewers.length > 0
      ? `Nadie puede revisar este post-mortem: sus revisores (${p.reviewers.map((id) => `<@${id}>`).join(', ')}) son responsables de él o escribieron parte (${p.authors.map((id) => `<@${id}>`).join(', ')}), y nadie aprueba lo que escribió.`
      : `Nadie puede revisar este post-mortem: los revisores de post-mortem de su playbook no son nadie en este espacio de trabajo (¿un grupo vacío?), y sus autores (${p.authors.map((id) => `<@${id}>`).join(', ')}) no pueden aprobarlo.`) +
    ' Pide a un administrador que añada a alguien que no lo haya escrito a postMortem.reviewers del playbook (o a su grupo) y vuelve a enviarlo. No se envió nada; elige «Guardar como borrador» para guardar lo que escribiste.',
  'postmortem.refusal.already_reviewed': () => 'Ya revisaste esta versión del post-mortem.',
  'postmortem.refusal.comment_required': () => 'Explica qué debe cambiar: el comentario es obligatorio.',
  'postmortem.refusal.comment_too_long': (p) => `El comentario tiene ${p.length} caracteres; Slack admite como máximo ${p.max}.`,
  'postmortem.refusal.action_item_not_found': (p) => `No existe la acción ${p.id} en este post-mortem.`,
  'postmortem.refusal.action_item_unchanged': (p) =>
    p.done ? `«${p.text}» ya está hecha.` : `«${p.text}» no está hecha; no hay nada que deshacer.`,

  'export.title': (p) => `Post-mortem: incidente #${p.number}`,
  'export.member': (p) => `Miembro ${p.letter}`,
  'export.drill': () => 'Esto fue un simulacro: ninguna respuesta llegó a la comunidad.',
  'export.status.draft': () => 'Borrador',
  'export.status.in_review': () => 'En revisión',
  'export.status.published': () => 'Publicado',
  'export.review.approve': () => 'aprobado',
  'export.review.request_changes': () => 'pidió cambios',
  'export.review.pending': () => 'sin revisar',
  'export.header.status': () => 'Estado',
  'export.header.severity': () => 'Gravedad',
  'export.header.playbook': () => 'Playbook',
  'export.header.channel': () => 'Canal',
  'export.header.lead': () => 'Líder',
  'export.header.detected': () => 'Detectado',
  'export.header.resolved': () => 'Resuelto',
  'export.header.reviewers': () => 'Revisores',
  'export.section.metrics': () => 'Métricas',
  'export.section.timeline': () => 'Cronología',
  'export.section.action_items': () => 'Acciones',
  'export.section.questions': () => 'Preguntas del playbook',
  'export.metric': () => 'Métrica',
  'export.value': () => 'Valor',
  'export.metric.time_to_detect': () => 'Tiempo hasta la detección (desde el primer intervalo anómalo)',
  'export.metric.time_to_acknowledge': () => 'Tiempo hasta la confirmación (desde la detección)',
  'export.metric.time_to_first_reply': () => 'Tiempo hasta la primera respuesta aprobada (desde la detección)',
  'export.metric.time_to_resolve': () => 'Tiempo hasta la resolución (desde la detección)',
  'export.metric.time_to_recovery': () => 'Tiempo hasta la recuperación del sentimiento (desde el primer intervalo anómalo)',
  'export.metric.peak_negative_ratio': () => 'Proporción negativa máxima',
  'export.metric.members_affected': () => 'Miembros afectados',
  'export.metric.replies_posted': () => 'Respuestas publicadas',
  'export.metric.reopened': () => 'Veces reabierto',
  'export.not_reached': () => 'no alcanzado',
  'export.times_in': (p) => `Horas en ${p.timeZone}.`,
  'export.unanswered': () => 'Sin respuesta.',
  'export.none': () => 'Ninguna.',
  'export.yes': () => 'Sí.',
  'export.no': () => 'No.',
  'export.action.text': () => 'Acción',
  'export.action.owner': () => 'Responsable',
  'export.action.due': () => 'Fecha límite',
  'export.action.state': () => 'Estado',
  'export.action.open': () => 'Pendiente',
  'export.action.done': () => 'Hecha',

  ...uiEs,
  ...feedbackEs,
  ...sandboxEs,
  ...drillCliEs,
};
