import sys; sys.path.insert(0,'/tmp/diffcheck')
from drv import *
import collections
S=['', ' ', '  x', 'x ', 'a\nb', 'a\n', '\n', 'a\tb', '\t', 'a\rb', '\x7f', '\x01', '\x1b[31m', '\u0085', '\u2028', '\ufeff', '\u00a0', '\ud7ff', '\U0001F4A5', '\u202e',
 'true','false','True','TRUE','yes','No','on','Off','y','n','null','Null','NULL','~','0','-0','+0','007','0o17','0x1F','0b101','1_000','1e3','1E-3','.5','5.','+.inf','-.Inf','.NaN','.nan','1.0','1:20','12:30:45','2001-12-14','2001-12-14t21:59:43.10-05:00',
 '- a','-a','a-',':',': a','a:','a: b','a:b','#','a #b','a#b','?','? a','|','>','!','!!str','&a','*a','%','@','`',"'","''",'"','""','\\','\\n','{','}','[',']','{}','[]',',','a,b','=','a=b','---','...','--- a',
 'é','日本語','ß','Ǆ','x'*200,'x '*100, 'a'*1025,'<<','<<: *a','=',"It's","\"q\"",'0.1.2','1e400','-9223372036854775809','18446744073709551616','1.7976931348623157e309','0x','1__0','+','-','.','..']
import itertools
keys=['podAnnotations.x','nodeSelector.a','image.tag','ingress.annotations.y','serviceAccount.annotations.z','MLFlow.extraArgs[0]','oauth2Proxy.clientSecret','postgresql.auth.password','s3.region']
def case(t):
    k,v,mode=t
    base=['--set','oauth2Proxy.clientID=mlflow','--set','oauth2Proxy.oidc.oidc_issuer_url=https://kc.example.org/realms/ml']
    if mode=='values': return compare('s',['values','--set-string',f'{k}={v}'])
    if mode=='valuesf':
        p=f'{W}/sw_{abs(hash((k,v)))}.yaml'; open(p,'w').write(json.dumps({'podAnnotations':{'x':v},'nodeSelector':{v[:60] or 'e':'1'}}))
        return compare('s',['values','-f',p,'--skip-schema-validation'])
    if mode=='json': return compare('s',['render']+base+['-o','json','--set-string',f'{k}={v}'])
    if mode=='lit': return compare('s',['render']+base+['--set-literal',f'{k}={v}'])
    return compare('s',['render']+base+['--set-string',f'{k}={v}'])
cases=[(k,v,m) for k in keys for v in S for m in ('values','render','json')]+[(k,v,'lit') for k in keys[:3] for v in S]+[('x',v,'valuesf') for v in S]
cases=[c for c in cases if '\x00' not in c[1]]
out=list(cf.ThreadPoolExecutor(3).map(case,cases))
c=collections.Counter((r[0],r[3][0]) for r in out); print('sweep',dict(c), collections.Counter(r[4][0] for r in out))
for r in out:
    if r[1]: print('PANIC', r[3], r[4][2][-500:], r[5][2][-500:])
    if r[0]=='diff':
        print('DIFF', json.dumps(r[3]))
        for b,x in (('old',r[4]),('new',r[5])): print(' ',b,'rc',x[0],'stdout',len(x[1]),'stderr',x[2][:600])
