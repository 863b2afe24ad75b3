/** Spanish texts of staff feedback (#16), typed against the English ones. */
import type { FeedbackCatalog } from './feedback-en.js';

export const feedbackEs: FeedbackCatalog = {
  'feedback.button.real_crisis': () => 'Crisis real',
  'feedback.button.false_alarm': () => 'Falsa alarma',
  'feedback.button.not_negative': () => 'No es negativo',
  'feedback.button.negative': () => 'Negativo',
  'feedback.button.undo': () => 'Deshacer',
  'feedback.button.add_reason': () => 'Añadir motivo',
  'feedback.alert_question': () => '¿Acertó esta alerta? Tu respuesta ajusta la detección de este canal.',
  'feedback.verdict.real_crisis': () => 'crisis real',
  'feedback.verdict.false_alarm': () => 'falsa alarma',
  'feedback.verdict.negative': () => 'negativo',
  'feedback.verdict.not_negative': () => 'no negativo',
  'feedback.recorded': (p) => `Gracias, registrado como *${p.verdict}*. ${p.effect}`,
  'feedback.effect.alert': () => 'El umbral de alerta de este canal sigue las opiniones del equipo, dentro de unos límites.',
  'feedback.effect.message': () => 'Firebreak puntuará así los mensajes parecidos de este espacio de trabajo.',
  'feedback.undone': (p) => `Deshecho: la opinión «${p.verdict}» ya no cuenta.`,
  'feedback.undone_earlier_counts': (p) =>
    `Deshecho: la opinión «${p.verdict}» ya no cuenta; vuelve a contar ${p.mine ? 'tu opinión anterior' : `la opinión anterior de ${p.author}`}, «${p.earlier}».`,
  'feedback.undo_replaced': (p) =>
    p.mine
      ? `No se ha deshecho nada: tu opinión «${p.verdict}» ya la sustituyó tu opinión posterior, «${p.later}», que es la que cuenta. Para retirarla, usa Deshacer en su confirmación.`
      : `No se ha deshecho nada: esta opinión «${p.verdict}» ya la sustituyó una opinión posterior de ${p.author}, «${p.later}», que es la que cuenta.`,
  'feedback.reason_saved': () => 'Motivo guardado.',
  'feedback.refused.not_found': () => 'Esa opinión ya no existe.',
  'feedback.refused.reason_too_long': () => 'Un motivo puede tener como máximo 500 caracteres: acórtalo. No se ha registrado nada.',
  'feedback.refused.already_undone': () => 'Esa opinión ya estaba deshecha.',
  'feedback.refused.not_watched': () => 'Firebreak no vigila este canal: aquí no hay nada que marcar.',
  'feedback.refused.no_text': () => 'Este mensaje no tiene texto del que aprender.',
  'feedback.refused.deleted': () => 'Su autor ha borrado este mensaje: Firebreak no guarda nada de él ni aprende de él. No se ha registrado nada.',
  'feedback.refused.declared': () =>
    'Este incidente se declaró a mano, no lo abrió la detección: no hay alerta que valorar, así que no se ha registrado nada y el umbral de este canal no cambia.',
  'feedback.refused.drill': () =>
    'Este incidente es un simulacro: su alerta y sus mensajes son de ensayo, así que no enseñan nada a Firebreak. No se ha registrado nada.',
  'feedback.modal.title': () => 'Marcar sentimiento',
  'feedback.modal.submit': () => 'Guardar',
  'feedback.modal.cancel': () => 'Cancelar',
  'feedback.modal.message': (p) => `*Mensaje*\n${p.excerpt}`,
  'feedback.modal.verdict': () => 'Este mensaje es',
  'feedback.modal.reason': () => '¿Por qué?',
  'feedback.modal.reason_required': () => 'Escribe el motivo, o cierra esta ventana para dejar la opinión sin motivo.',
  'feedback.modal.reason_title': () => 'Motivo',
  'feedback.alert_note.raised': (p) =>
    `:bulb: Opiniones: ${p.falseAlarms === 1 ? '1 falsa alarma' : `${p.falseAlarms} falsas alarmas`} en este canal subieron su umbral de alerta de ${p.before} a ${p.after}; esta alerta lo superó igualmente.`,
  'feedback.alert_note.lowered': (p) =>
    `:bulb: Opiniones: ${p.lateCrises === 1 ? '1 crisis real detectada' : `${p.lateCrises} crisis reales detectadas`} tarde bajaron el umbral de alerta de este canal de ${p.before} a ${p.after}${p.decided ? '; sin esas opiniones aún no habría saltado la alerta.' : '.'}`,
};
